/**
 * A sliding window is reported for a layer only when its attention applies it: config.json
 * may name a window (Mistral's `sliding_window`) that the exported graph never computes.
 */
import assert from 'node:assert/strict';
import { withTensorWindows } from '../../../src/engine/attention/appliedWindows';
import type { AttentionStack } from '../../../src/engine/types';

const N = 6;
const stack: AttentionStack = {
  kind: 'encoder',
  layers: 2,
  heads: 1,
  rows: N,
  cols: N,
  causal: true,
};

/** One head's causal weights, uniform over the last `window` keys (all keys when undefined). */
function uniform(window?: number): Float32Array {
  const w = new Float32Array(N * N);
  for (let i = 0; i < N; i++) {
    const first = window === undefined ? 0 : Math.max(0, i - window + 1);
    for (let j = first; j <= i; j++) w[i * N + j] = 1 / (i - first + 1);
  }
  return w;
}

describe('applied sliding windows', () => {
  const features = { slidingWindow: { size: 3, layers: [0, 1], from: 'config.json' as const } };

  it('reports the window of each layer whose attention hides the keys outside it', () => {
    const shown = withTensorWindows(stack, [uniform(3), uniform()], features);
    assert.deepEqual(shown.windows, [3, null]);
  });

  it('reports none when no layer applies the window config.json names', () => {
    assert.equal(withTensorWindows(stack, [uniform(), uniform()], features).windows, undefined);
  });

  it('reports none without a window, and none for cross-attention', () => {
    assert.equal(withTensorWindows(stack, [uniform(3), uniform(3)], {}).windows, undefined);
    const cross = { ...stack, kind: 'cross' as const, causal: false };
    assert.equal(withTensorWindows(cross, [uniform(3), uniform(3)], features).windows, undefined);
  });
});
