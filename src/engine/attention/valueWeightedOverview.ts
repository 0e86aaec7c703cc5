/**
 * The model view's thumbnails of value-weighted attention (issue 24): per head the block means
 * of each row's share of what the head moves, ‖α_ij f_h(x_j)‖ / Σ_j ‖α_ij f_h(x_j)‖, the way
 * the panel draws value-weighted rows (webview/valueWeighted.ts). The layer is read through
 * the held result's own value-weighted slice (so wherever the norms come from, the overview
 * agrees with the slices), one layer at a time like the attention overview: nothing
 * L × H × N × N is kept. Summaries and writes are the attention overview's.
 */
import type {
  AttentionSliceRequest,
  AttentionStack,
  LayerOverview,
  ThumbnailUnits,
} from '../types';
import { thumbnailsOf } from './thumbnails';
import { unitThumbnailsOf } from './unitThumbnails';

/** Divides each row of `[.., cols]` `weights` by its sum, in place; a row of zeros stays zero. */
export function toRowShares(weights: Float32Array, cols: number): Float32Array {
  for (let start = 0; start < weights.length; start += cols) {
    let sum = 0;
    for (let j = start; j < start + cols; j++) sum += weights[j];
    if (sum > 0) for (let j = start; j < start + cols; j++) weights[j] /= sum;
  }
  return weights;
}

/** The request for a whole layer of value-weighted row shares. */
export function valueWeightedLayer(stack: AttentionStack, layer: number): AttentionSliceRequest {
  return { kind: stack.kind, layer, weights: 'value-weighted', rowShares: true };
}

/**
 * Layer `layer`'s value-weighted overview: `slice` answers the held result's slices (it
 * refuses, with the reason, a result without norms), `plain` is the layer's attention
 * overview; with `units` (and their `count`), thumbnails of the layer as a view groups tokens.
 */
export async function valueWeightedOverview(
  slice: (request: AttentionSliceRequest) => Promise<Float32Array>,
  stack: AttentionStack,
  plain: LayerOverview,
  units?: { units: ThumbnailUnits; count: number },
): Promise<LayerOverview> {
  const { heads, rows, cols } = stack;
  const shares = await slice(valueWeightedLayer(stack, plain.layer));
  const thumbnails = units
    ? unitThumbnailsOf(shares, heads, rows, units.units, units.count)
    : thumbnailsOf(shares, heads, rows, cols);
  return { ...plain, ...thumbnails, weights: 'value-weighted' };
}
