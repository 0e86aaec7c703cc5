/**
 * A square attention matrix and the ways to cut one out of a layer tensor. Row = query,
 * column = key; pure maths shared by the webview, the CLI and the tests (no DOM, no vscode).
 */

/** An `n × n` row-major matrix; for attention, row `i` holds what query `i` attends to. */
export interface SquareMatrix {
  n: number;
  data: Float32Array;
}

/** Head `head` of a layer tensor `[heads, n, n]`, as a view (no copy). */
export function headMatrix(layer: Float32Array, n: number, head: number): SquareMatrix {
  return { n, data: layer.subarray(head * n * n, (head + 1) * n * n) };
}

/** Row `i` of `m`, as a view (no copy). */
export function matrixRow(m: SquareMatrix, i: number): Float32Array {
  return m.data.subarray(i * m.n, (i + 1) * m.n);
}

/** The largest value in `m` (0 for an empty matrix). */
export function matrixMax(m: SquareMatrix): number {
  let max = 0;
  for (let k = 0; k < m.data.length; k++) if (m.data[k] > max) max = m.data[k];
  return max;
}

/** `a · b` for square matrices of the same size, accumulated in float64. */
export function multiply(a: SquareMatrix, b: SquareMatrix): SquareMatrix {
  const { n } = a;
  const out = new Float32Array(n * n);
  const acc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      const aik = a.data[i * n + k];
      if (aik === 0) continue;
      const rowB = k * n;
      for (let j = 0; j < n; j++) acc[j] += aik * b.data[rowB + j];
    }
    out.set(acc, i * n);
  }
  return { n, data: out };
}

/** Divides every row by its sum in place; rows summing to 0 stay 0. */
export function normaliseRows(m: SquareMatrix): SquareMatrix {
  const { n, data } = m;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += data[i * n + j];
    if (sum > 0) for (let j = 0; j < n; j++) data[i * n + j] /= sum;
  }
  return m;
}
