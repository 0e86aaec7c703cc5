/** The summary view's sentences for a sliding window and a soft-cap. */
import assert from 'node:assert/strict';
import { describeAttentionFeatures } from '../../../src/shared/attentionFeatures';

describe('attention features in words', () => {
  it('says nothing for a model without them', () => {
    assert.deepEqual(describeAttentionFeatures(undefined, 4), []);
    assert.deepEqual(describeAttentionFeatures({}, 4), []);
  });

  it('names the window, the layers (as ranges) and where it was read', () => {
    const [all] = describeAttentionFeatures(
      { slidingWindow: { size: 3, layers: [0, 1], from: 'graph' } },
      2,
    );
    assert.match(
      all,
      /^Sliding window: in every layer a token sees only the last 3 tokens \(itself included\)/,
    );
    assert.match(all, /\(from graph\)\.$/);
    const [some] = describeAttentionFeatures(
      { slidingWindow: { size: 4096, layers: [0, 1, 2, 3, 5, 7, 8], from: 'config.json' } },
      10,
    );
    assert.match(some, /in layers 0–3, 5, 7, 8 a token sees only the last 4096 tokens/);
  });

  it('states the soft-cap as the formula it applies', () => {
    const [cap] = describeAttentionFeatures({ softcap: { value: 50, from: 'config.json' } }, 2);
    assert.match(cap, /50 · tanh\(s \/ 50\), so no score exceeds ±50/);
  });
});
