/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"):
 * how much each input token flows into each position after several layers, assuming
 * attention mixes linearly and the residual connection carries half of the signal.
 */
import { meanOverHeads } from './headAggregates';
import { multiply, normaliseRows, type SquareMatrix } from './squareMatrix';

/**
 * Rollout through layers `0..layers.length-1`: per layer `Â = normalise(0.5·mean_h(A) +
 * 0.5·I)`, then `R = Â_L · … · Â_1`. Returns one matrix per layer (the rollout up to and
 * including it), so a view can show any depth. Rows of every result sum to 1. `before`, the
 * rollout of earlier layers, lets a caller extend a rollout as layers arrive.
 */
export function attentionRollout(
  layers: Float32Array[],
  n: number,
  heads: number,
  before?: SquareMatrix,
): SquareMatrix[] {
  const out: SquareMatrix[] = [];
  let rolled = before;
  for (const layer of layers) {
    const a = meanOverHeads(layer, n, heads);
    for (let k = 0; k < a.data.length; k++) a.data[k] *= 0.5;
    for (let i = 0; i < n; i++) a.data[i * n + i] += 0.5;
    normaliseRows(a);
    rolled = rolled ? multiply(a, rolled) : a;
    out.push(rolled);
  }
  return out;
}
