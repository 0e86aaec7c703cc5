import assert from 'node:assert/strict';
import { summariseLayer } from '../../../src/engine/attention/headSummaries';
import { inductionTargets } from '../../../src/engine/attention/inductionTargets';

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

describe('induction share on the inspected text', () => {
  // tokens: a b c d | a b c d  (ids 1..4 twice); an induction head at query i (second copy)
  // attends to the token after the earlier occurrence: i - 3.
  const ids = [1, 2, 3, 4, 1, 2, 3, 4];
  const n = ids.length;

  it('finds the successors of earlier occurrences, never the token just before the query', () => {
    assert.deepEqual(inductionTargets(ids), [[], [], [], [], [1], [2], [3], [4]]);
    // x x y x: for the second x the successor is the query itself; for the last x, the
    // successor of x@1 is y, just before the query (left out), that of x@0 is x@1
    assert.deepEqual(inductionTargets([7, 7, 8, 7]), [[], [], [], [1]]);
    assert.deepEqual(
      inductionTargets([5, 1, 5, 1], (i) => i === 0),
      [[], [], [], []],
    );
  });

  it('labels an induction head, and not a previous-token head', () => {
    const targets = inductionTargets(ids);
    const induction = oneHot(n, (i) => (i >= 4 ? i - 3 : 0));
    const previous = oneHot(n, (i) => Math.max(0, i - 1));
    const layer = new Float32Array(2 * n * n);
    layer.set(induction, 0);
    layer.set(previous, n * n);
    const [a, b] = summariseLayer(layer, 1, n, 2, true, targets);
    assert.equal(a.inductionShare, 1);
    assert.ok(a.labels.includes('induction'));
    assert.equal(b.inductionShare, 0);
    assert.deepEqual(b.labels, ['previous-token']);
  });

  it('leaves the share unmeasured with too few repeated tokens, or without token ids', () => {
    const short = [1, 2, 3, 1, 2, 9, 9, 9];
    const [s] = summariseLayer(
      oneHot(n, () => 0),
      0,
      n,
      1,
      true,
      inductionTargets(short),
    );
    assert.equal(s.inductionShare, null);
    const [t] = summariseLayer(
      oneHot(n, () => 0),
      0,
      n,
      1,
      true,
    );
    assert.equal(t.inductionShare, null);
  });
});
