import { strict as assert } from 'node:assert';
import {
  describeFailure,
  statusText,
  truncationMessage,
} from '../../../src/inspection/runMessages';

describe('run messages', () => {
  it('writes the status bar text', () => {
    assert.equal(statusText('mini-code-gpt'), '$(eye) mini-code-gpt');
    assert.equal(
      statusText('mini-code-gpt', { tokens: 212, ms: 180.4 }),
      '$(eye) mini-code-gpt · 212 tok · 180 ms',
    );
  });

  it('says how many tokens were inspected, why, and where it stopped', () => {
    const reason =
      "The text has 1400 tokens; the first 512 tokens were inspected (the model's context is 512 tokens).";
    const text = truncationMessage(
      { totalTokens: 1400, inspectedTokens: 512, inspectedUpTo: 2000, reason },
      61,
    );
    assert.ok(text.startsWith(reason));
    assert.match(text, /Text after line 61 was not inspected/);
    assert.doesNotMatch(text, /\.\./);
  });

  it('offers a model choice for a bad model, a retry for a crash, silence for a superseded run', () => {
    assert.deepEqual(describeFailure('badModel', 'm/model.onnx: corrupt', false), {
      severity: 'error',
      message: 'Cannot use this model: m/model.onnx: corrupt',
      actions: ['selectModel'],
    });
    assert.deepEqual(describeFailure('crashed', 'worker died', false).actions, ['retry']);
    assert.equal(describeFailure('superseded', 'x', false).severity, 'none');
    assert.equal(describeFailure('cancelled', 'x', true).severity, 'info');
    assert.equal(
      describeFailure('cancelled', 'x', false).severity,
      'none',
      'a closed panel cancels quietly',
    );
  });
});
