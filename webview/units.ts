/** The rows and columns a view draws: display units of tokens, with their labels. */
import type { Token } from '../src/engine/types';
import { type DisplayUnits, displayUnits, type UnitOptions } from '../src/shared/displayUnits';
import { unitLabel } from '../src/shared/unitLabels';

/** Rows and columns of the views under the current toggles, with their labels. */
export interface Units extends DisplayUnits {
  labels: string[];
}

/** Display units of `tokens` with their labels. */
export function labelledUnits(tokens: readonly Token[], text: string, options: UnitOptions): Units {
  const display = displayUnits(tokens, text, options);
  return { ...display, labels: display.units.map((u) => unitLabel(u, tokens, text)) };
}
