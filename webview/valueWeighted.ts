/**
 * What the panel draws of a value-weighted slice (issue 24): each row's share of what the
 * head moves, ‖α_ij f_h(x_j)‖ / Σ_j ‖α_ij f_h(x_j)‖. The engine answers the norms themselves
 * (residual-stream units, rows not summing to 1); as shares the colour scale, top-k, head
 * lines, word-level sums and editor highlights read exactly as they do for attention, so
 * the two are compared on one footing. How much the head writes at all is the summary
 * view's "writes" column (`LayerOverview.writes`).
 */
import type { SliceWeights } from '../src/engine/types';
import type { HeadChoice } from './viewState';

/**
 * What the legend calls a cell; rollout chains attention weights whatever the switch shows.
 * A long head's tiles follow the switch too (the engine's `rowShares`, webview/headTiles.ts).
 */
export function weightsName(ctx: {
  store: { weights: SliceWeights };
  state: { head: HeadChoice };
}): string {
  const weighted = ctx.store.weights === 'value-weighted' && ctx.state.head !== 'rollout';
  return weighted ? 'value-weighted share' : 'weight';
}
