/** The `focusToken` message: the focused unit's weights exactly as the view highlights them. */
import { unitWeightsToTokens, type DisplayUnits } from '../src/analysis/displayUnits';
import type { FocusMessage } from '../src/protocol/webview';
import type { Focus } from './views/view';

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
): FocusMessage {
  const { unit, row, top } = focus;
  if (unit === null || !row)
    return { type: 'focusToken', runId, index: null, weights: null, label };
  const shown = new Float32Array(row.length);
  for (const j of top) shown[j] = row[j];
  const weights = unitWeightsToTokens(shown, units, tokenCount);
  return { type: 'focusToken', runId, index: units.units[unit][0], weights, label };
}
