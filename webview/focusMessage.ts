/** The `focusToken` message: the focused unit's weights exactly as the view highlights them. */
import { unitWeightsToTokens, type DisplayUnits } from '../src/shared/displayUnits';
import type { FocusMessage, ViewKind } from '../src/protocol/webview';
import type { ViewState } from './viewState';
import type { Focus } from './views/view';

/**
 * Which attention the shown weights are, when the host can recompute the same row for
 * other tokens (editor hovers): one head or a layer's mean of all heads. Undefined for
 * what only the webview computes (max, rollout, word level, renormalised without specials).
 */
export function focusSource(state: ViewState, view: ViewKind): FocusMessage['source'] {
  if (state.wordLevel || state.hideSpecial) return undefined;
  if (view === 'head') {
    if (state.heads.length === 0) return { layer: state.layer, head: null };
    return state.heads.length === 1 ? { layer: state.layer, head: state.heads[0] } : undefined;
  }
  if (typeof state.head === 'number') return { layer: state.layer, head: state.head };
  return state.head === 'mean' ? { layer: state.layer, head: null } : undefined;
}

/**
 * Weights per token of the result: the highlighted (top-k) units keep their shown weight,
 * spread onto every token of the unit; everything else, hidden tokens included, is 0.
 * `index` is the first token of the focused unit.
 */
export function focusMessage(
  runId: number,
  focus: Focus,
  units: DisplayUnits,
  tokenCount: number,
  label: string,
  source?: FocusMessage['source'],
): FocusMessage {
  const { unit, row, top } = focus;
  if (unit === null || !row)
    return { type: 'focusToken', runId, index: null, weights: null, label };
  const shown = new Float32Array(row.length);
  for (const j of top) shown[j] = row[j];
  const weights = unitWeightsToTokens(shown, units, tokenCount);
  return { type: 'focusToken', runId, index: units.units[unit][0], weights, label, source };
}
