/**
 * Aggregates over the heads of one layer. The mean keeps rows summing to 1; the max does
 * not (it shows where any head looks), which the views say in their labels.
 */
import type { SquareMatrix } from './squareMatrix';

/** Element-wise mean over the heads of a `[heads, n, n]` layer tensor. */
export function meanOverHeads(layer: Float32Array, n: number, heads: number): SquareMatrix {
  const size = n * n;
  const out = new Float32Array(size);
  for (let h = 0; h < heads; h++) {
    const base = h * size;
    for (let k = 0; k < size; k++) out[k] += layer[base + k];
  }
  for (let k = 0; k < size; k++) out[k] /= heads;
  return { n, data: out };
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

/** Element-wise maximum over the heads of a `[heads, n, n]` layer tensor. */
export function maxOverHeads(layer: Float32Array, n: number, heads: number): SquareMatrix {
  const size = n * n;
  const out = new Float32Array(size);
  for (let h = 0; h < heads; h++) {
    const base = h * size;
    for (let k = 0; k < size; k++) if (layer[base + k] > out[k]) out[k] = layer[base + k];
  }
  return { n, data: out };
}
