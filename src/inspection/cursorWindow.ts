/**
 * The stretch of a long file to inspect instead of a selection that does not fit the model's
 * context: whole lines around the cursor (the code the user is looking at), grown a line
 * below and a line above in turn while they fit a budget of characters. Pure.
 */

/** Lines `first`..`last` (0-based, inclusive) of a document. */
export interface LineWindow {
  first: number;
  last: number;
}

/** Share of the characters a cut run inspected that a window may use: tokens per character vary. */
const MARGIN = 0.9;

/** How many characters fit the context, judged from a run cut after `inspectedChars` characters. */
export function windowBudget(inspectedChars: number): number {
  return Math.max(1, Math.floor(inspectedChars * MARGIN));
}

/**
 * Whole lines around `cursorLine` whose lengths (`lineLengths[i]`, line break included) add up
 * to at most `budget`; at least the cursor's own line.
 */
export function linesAround(
  lineLengths: readonly number[],
  cursorLine: number,
  budget: number,
): LineWindow {
  const line = Math.min(Math.max(0, cursorLine), lineLengths.length - 1);
  let first = line;
  let last = line;
  let used = lineLengths[line] ?? 0;
  for (let grew = true; grew; ) {
    grew = false;
    if (last + 1 < lineLengths.length && used + lineLengths[last + 1] <= budget) {
      used += lineLengths[++last];
      grew = true;
    }
    if (first > 0 && used + lineLengths[first - 1] <= budget) {
      used += lineLengths[--first];
      grew = true;
    }
  }
  return { first, last };
}
