import assert from 'node:assert/strict';
import { summariseLayer } from '../../../src/analysis/headSummaries';

/** A causal `[1, n, n]` head whose row i puts all weight on key `pick(i)`. */
function oneHot(n: number, pick: (i: number) => number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + pick(i)] = 1;
  return out;
}

describe('summariseLayer', () => {
  it('labels a previous-token head and measures distance 1', () => {
    const [s] = summariseLayer(
      oneHot(6, (i) => Math.max(0, i - 1)),
      2,
      6,
      1,
      true,
    );
    assert.equal(s.layer, 2);
    assert.equal(s.previousTokenShare, 1);
    assert.equal(s.meanDistance, 1);
    assert.equal(s.entropy, 0);
    assert.deepEqual(s.labels, ['previous-token']);
  });

  it('labels a first-token (sink) head', () => {
    const [s] = summariseLayer(
      oneHot(6, () => 0),
      0,
      6,
      1,
      true,
    );
    assert.equal(s.firstTokenShare, 1);
    assert.equal(s.meanDistance, (1 + 2 + 3 + 4 + 5) / 5);
    assert.deepEqual(s.labels, ['first-token']);
  });

  it('labels a uniform causal head broad with normalised entropy 1', () => {
    const n = 5;
    const w = new Float32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[i * n + j] = 1 / (i + 1);
    const [s] = summariseLayer(w, 0, n, 1, true);
    assert.ok(Math.abs(s.normalisedEntropy - 1) < 1e-6);
    // rows 1..4 have 2..5 keys: mean of log2(k)
    const expected = (Math.log2(2) + Math.log2(3) + Math.log2(4) + Math.log2(5)) / 4;
    assert.ok(Math.abs(s.entropy - expected) < 1e-6);
    assert.deepEqual(s.labels, ['broad']);
  });

  it('summarises each head of a multi-head encoder layer separately', () => {
    const n = 4;
    const self = oneHot(n, (i) => i);
    const next = oneHot(n, (i) => Math.min(n - 1, i + 1));
    const layer = new Float32Array(2 * n * n);
    layer.set(self, 0);
    layer.set(next, n * n);
    const [a, b] = summariseLayer(layer, 1, n, 2, false);
    assert.equal(a.meanDistance, 0);
    assert.deepEqual(a.labels, []);
    assert.equal(b.head, 1);
    assert.equal(b.meanDistance, 3 / 4);
  });
});
