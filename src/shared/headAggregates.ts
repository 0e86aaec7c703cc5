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
