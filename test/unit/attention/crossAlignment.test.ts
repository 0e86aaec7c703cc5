import { strict as assert } from 'node:assert';
import { alignmentScore } from '../../../src/engine/attention/crossAlignment';
import { summariseCrossLayer } from '../../../src/engine/attention/headSummaries';
import { colsOf, headMatrix, matrixRow } from '../../../src/shared/squareMatrix';

/** A `rows × cols` matrix with all weight of row `i` on column `at(i)`. */
function oneHot(rows: number, cols: number, at: (i: number) => number): Float32Array {
  const w = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) w[i * cols + at(i)] = 1;
  return w;
}

describe('alignmentScore', () => {
  it('is 1 for a sharp diagonal, square or not', () => {
    assert.ok(
      Math.abs(
        alignmentScore(
          oneHot(5, 5, (i) => i),
          5,
          5,
        ) - 1,
      ) < 1e-9,
    );
    // 3 target tokens over 6 source tokens, each on every second source token.
    assert.ok(
      Math.abs(
        alignmentScore(
          oneHot(3, 6, (i) => 2 * i),
          3,
          6,
        ) - 1,
      ) < 1e-9,
    );
  });

  it('is -1 for a head that walks the source backwards', () => {
    assert.ok(
      Math.abs(
        alignmentScore(
          oneHot(4, 4, (i) => 3 - i),
          4,
          4,
        ) + 1,
      ) < 1e-9,
    );
  });

  it('is 0 for a head parked on one source token and for a uniform head', () => {
    assert.equal(
      alignmentScore(
        oneHot(4, 5, () => 4),
        4,
        5,
      ),
      0,
    );
    assert.equal(alignmentScore(new Float32Array(4 * 5).fill(1 / 5), 4, 5), 0);
  });

  it('scales the correlation by sharpness: a half-spread diagonal scores between 0 and 1', () => {
    const rows = 4;
    const cols = 4;
    const w = new Float32Array(rows * cols);
    // Half the weight on the diagonal, the rest uniform: centroids still move forward.
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) w[i * cols + j] = (j === i ? 0.5 : 0) + 0.5 / cols;
    }
    const score = alignmentScore(w, rows, cols);
    const entropy = -(0.625 * Math.log(0.625) + 3 * 0.125 * Math.log(0.125)) / Math.log(4);
    assert.ok(Math.abs(score - (1 - entropy)) < 1e-6, `${score} vs ${1 - entropy}`);
  });

  it('is 0 when there are too few rows or columns to speak of order', () => {
    assert.equal(
      alignmentScore(
        oneHot(2, 4, (i) => i),
        2,
        4,
      ),
      0,
    );
    assert.equal(
      alignmentScore(
        oneHot(4, 1, () => 0),
        4,
        1,
      ),
      0,
    );
  });
});

describe('summariseCrossLayer', () => {
  it('summarises each head of a [heads, T, S] layer, with alignment and no position scores', () => {
    const rows = 3;
    const cols = 4;
    const layer = new Float32Array(2 * rows * cols);
    layer.set(
      oneHot(rows, cols, (i) => i + 1),
      0,
    ); // head 0: diagonal past token 0
    layer.set(
      oneHot(rows, cols, () => 0),
      rows * cols,
    ); // head 1: all on source token 0
    const [a, b] = summariseCrossLayer(layer, 2, rows, cols, 2);
    assert.equal(a.layer, 2);
    assert.ok(Math.abs((a.alignment ?? 0) - 1) < 1e-9);
    assert.deepEqual(a.labels, ['aligned']);
    assert.equal(a.entropy, 0);
    assert.equal(a.meanDistance, null);
    assert.equal(a.previousTokenShare, null);
    assert.equal(b.alignment, 0);
    assert.equal(b.firstTokenShare, 1);
    assert.deepEqual(b.labels, ['first-token']);
  });
});

describe('rectangular matrices', () => {
  it('cut a head and its rows out of a [heads, T, S] tensor', () => {
    const layer = Float32Array.from({ length: 2 * 2 * 3 }, (_, k) => k);
    const m = headMatrix(layer, 2, 1, 3);
    assert.equal(colsOf(m), 3);
    assert.deepEqual([...matrixRow(m, 1)], [9, 10, 11]);
    assert.equal(colsOf(headMatrix(layer, 2, 0)), 2);
  });
});
