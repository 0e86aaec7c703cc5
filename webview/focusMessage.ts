/** The `focusToken` message: the focused unit's weights exactly as the view highlights them. */
import type { FocusMessage, ViewKind } from '../src/protocol/webview';
import { unitWeightsToTokens } from '../src/shared/displayUnits';
import type { ViewState } from './viewState';
import type { Focus, ViewContext } from './views/view';

/**
 * Which attention the shown weights are, when the host can recompute the same row for
 * other tokens (editor hovers): one head or a layer's mean of all heads. Undefined for
 * what only the webview computes (max, rollout, word level, renormalised without specials).
 */
export function focusSource(state: ViewState, view: ViewKind): FocusMessage['source'] {
  // Value-weighted rows the host reads as the engine's row shares (`rowShares`), like these.
  if (state.wordLevel || state.hideSpecial) return undefined;
  if (view === 'head') {
    if (state.heads.length === 0) return { layer: state.layer, head: null };
    return state.heads.length === 1 ? { layer: state.layer, head: state.heads[0] } : undefined;
  }
  if (typeof state.head === 'number') return { layer: state.layer, head: state.head };
  return state.head === 'mean' ? { layer: state.layer, head: null } : undefined;
}

/**
 * Weights per source token of the result: the highlighted (top-k) key units keep their shown
 * weight, spread onto every token of the unit; everything else, hidden tokens included, is 0.
 * `index` is the first token of the focused unit. Under cross-attention the focused unit is
 * a target token (`attention: 'cross'`); the decoder's self-attention has nothing in the
 * editor to show, so it sends no focus.
 */
export function focusMessage(
  runId: number,
  focus: Focus,
  ctx: Pick<ViewContext, 'units' | 'keyUnits' | 'store'>,
  label: string,
  source?: FocusMessage['source'],
): FocusMessage {
  const kind = ctx.store.kind;
  const { unit, row, top } = focus;
  // The host's hovers follow the Weights switch, focused token or not.
  const shown = ctx.store.weights === 'value-weighted' ? { shownWeights: ctx.store.weights } : {};
  if (unit === null || !row || kind === 'decoder')
    return { type: 'focusToken', runId, index: null, weights: null, label, ...shown };
  const kept = new Float32Array(row.length);
  for (const j of top) kept[j] = row[j];
  // Columns are the source tokens whatever the kind (for cross, rows are target tokens).
  const weights = unitWeightsToTokens(kept, ctx.keyUnits, ctx.store.meta?.tokens.length ?? 0);
  const index = ctx.units.units[unit][0];
  if (kind === 'cross')
    return { type: 'focusToken', runId, index, weights, label, attention: 'cross', ...shown };
  return { type: 'focusToken', runId, index, weights, label, source, ...shown };
}
