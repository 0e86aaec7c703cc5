/**
 * Aggregates over the heads of one layer. The mean keeps rows summing to 1; the max does
 * not (it shows where any head looks), which the views say in their labels.
 */
import type { SquareMatrix } from './squareMatrix';

/** Element-wise mean over the heads of a `[heads, n, cols]` layer tensor (default square). */
export function meanOverHeads(
  layer: Float32Array,
  n: number,
  heads: number,
  cols = n,
): SquareMatrix {
  const size = n * cols;
  const out = new Float32Array(size);
  for (let h = 0; h < heads; h++) {
    const base = h * size;
    for (let k = 0; k < size; k++) out[k] += layer[base + k];
  }
  for (let k = 0; k < size; k++) out[k] /= heads;
  return cols === n ? { n, data: out } : { n, data: out, cols };
}

/**
 * Row `query` averaged over the given heads of every given `[heads, n, n]` layer tensor:
 * what the editor hover shows for one head, a layer's mean or the mean of all layers.
 */
export function meanRow(
  layers: readonly Float32Array[],
  n: number,
  heads: readonly number[],
  query: number,
): Float32Array {
  const row = new Float32Array(n);
  for (const weights of layers) {
    for (const head of heads) {
      const base = (head * n + query) * n;
      for (let key = 0; key < n; key++) row[key] += weights[base + key];
    }
  }
  const count = layers.length * heads.length;
  for (let key = 0; key < n; key++) row[key] /= count;
  return row;
}

/** Element-wise maximum over the heads of a `[heads, n, cols]` layer tensor (default square). */
export function maxOverHeads(
  layer: Float32Array,
  n: number,
  heads: number,
  cols = n,
): SquareMatrix {
  const size = n * cols;
  const out = new Float32Array(size);
  for (let h = 0; h < heads; h++) {
    const base = h * size;
    for (let k = 0; k < size; k++) if (layer[base + k] > out[k]) out[k] = layer[base + k];
  }
  return cols === n ? { n, data: out } : { n, data: out, cols };
}

/** Element-wise mean of same-shaped matrices (the head view's chosen heads); undefined for none. */
export function meanOfMatrices(ms: readonly SquareMatrix[]): SquareMatrix | undefined {
  if (!ms.length) return undefined;
  if (ms.length === 1) return ms[0];
  const out = new Float32Array(ms[0].data.length);
  for (const m of ms) for (let k = 0; k < out.length; k++) out[k] += m.data[k] / ms.length;
  return { ...ms[0], data: out };
}
