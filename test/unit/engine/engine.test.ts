import assert from 'node:assert/strict';
import { EngineRunError } from '../../../src/engine/errors';
import { fixtureModel, sharedEngine, worstRowSumError } from './fixtures';

const CODE = 'if (a) {\r\n  b(café); // 👩‍💻\n}';

describe('Engine.inspect on the fixture models (real onnxruntime-web)', () => {
  it('decoder: rows sum to 1, nothing above the diagonal, offsets slice the text', async () => {
    const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), CODE);
    const n = result.tokens.length;
    assert.equal(result.attentions.length, result.model.layers);
    assert.equal(result.tokens[0].special, true, 'the policy prepends <|endoftext|>');
    for (const weights of result.attentions) {
      assert.equal(weights.length, result.model.heads * n * n);
      assert.ok(worstRowSumError(weights, n) < 1e-3);
      for (let h = 0; h < result.model.heads; h++) {
        for (let q = 0; q < n; q++) {
          for (let k = q + 1; k < n; k++) assert.equal(weights[(h * n + q) * n + k], 0);
        }
      }
    }
    const rebuilt = result.tokens
      .filter((t) => !t.special)
      .map((t, i, all) =>
        t.partial && all[i - 1]?.start === t.start ? '' : CODE.slice(t.start, t.end),
      )
      .join('');
    assert.equal(rebuilt, CODE, 'non-special token ranges tile the text exactly');
    assert.ok(result.predictions && result.predictions.length === n);
    assert.equal(result.predictions[0].length, 5);
    assert.equal(result.truncation, undefined);
  });

  it('a decoder without attention outputs gives the same attention after graph editing', async () => {
    const withOutputs = await sharedEngine().inspect(fixtureModel('decoder-attn'), CODE);
    const edited = await sharedEngine().inspect(fixtureModel('decoder-noattn'), CODE);
    assert.deepEqual(edited.tokens, withOutputs.tokens);
    for (let layer = 0; layer < withOutputs.attentions.length; layer++) {
      const a = withOutputs.attentions[layer];
      const b = edited.attentions[layer];
      let worst = 0;
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
      assert.ok(worst < 1e-5, `layer ${layer} differs by ${worst}`);
    }
  });

  it('encoder: [CLS] … [SEP] framing, bidirectional attention', async () => {
    const text = 'The Café served 東京 tea.';
    const result = await sharedEngine().inspect(fixtureModel('encoder-bert'), text);
    const n = result.tokens.length;
    assert.equal(result.tokens[0].text, '[CLS]');
    assert.equal(result.tokens[n - 1].text, '[SEP]');
    assert.equal(result.tokens[n - 1].start, text.length);
    assert.equal(result.predictions, undefined);
    let aboveDiagonal = 0;
    for (const weights of result.attentions) {
      assert.ok(worstRowSumError(weights, n) < 1e-3);
      for (let q = 0; q < n; q++)
        for (let k = q + 1; k < n; k++) aboveDiagonal += weights[q * n + k];
    }
    assert.ok(aboveDiagonal > 0.5, 'an encoder attends to later tokens');
  });

  it('long text: inspects the first maxTokens tokens and says so', async () => {
    const text = 'abc def ghi '.repeat(40);
    const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), text, {
      maxTokens: 20,
    });
    assert.equal(result.tokens.length, 20);
    assert.ok(result.truncation);
    assert.equal(result.truncation.inspectedTokens, 20);
    assert.ok((result.truncation.totalTokens ?? 0) > 20);
    assert.equal(result.truncation.inspectedUpTo, result.tokens[19].end);
    assert.match(result.truncation.reason, /first 20 tokens/);
  });

  it('the model context caps the run even when more tokens are allowed', async () => {
    const text = 'x = [1, 2, 3]\n'.repeat(100);
    const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), text, {
      maxTokens: 100000,
    });
    assert.equal(result.tokens.length, result.model.maxPositions);
    assert.match(result.truncation?.reason ?? '', /context is/);
  });

  it('a cut never keeps only part of a character', async () => {
    const text = '😀'.repeat(40);
    for (const maxTokens of [8, 9, 10, 11]) {
      const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), text, {
        maxTokens,
      });
      const last = result.tokens[result.tokens.length - 1];
      assert.equal(result.truncation?.inspectedUpTo, last.end);
      assert.equal(last.end % 2, 0, 'ends on a character boundary');
      const sameChar = result.tokens.filter((t) => t.start === last.start && !t.special);
      assert.ok(sameChar.every((t) => t.end === last.end));
    }
  });

  for (const text of ['', '   \n\t  ']) {
    it(`rejects ${JSON.stringify(text)} with an actionable message`, async () => {
      await assert.rejects(
        sharedEngine().inspect(fixtureModel('decoder-attn'), text),
        (error: unknown) => {
          assert.ok(error instanceof EngineRunError);
          assert.equal(error.code, 'badInput');
          assert.match(error.message, /Select some text/);
          return true;
        },
      );
    });
  }

  it('reuses one session per model folder', async () => {
    const engine = sharedEngine();
    const first = await engine.loadModel(fixtureModel('decoder-attn'));
    const second = await engine.loadModel(fixtureModel('decoder-attn'));
    assert.equal(first, second);
  });
});
