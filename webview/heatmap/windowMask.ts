/**
 * Cells outside a layer's sliding window (AttentionStack.windows): a query token at `i`
 * sees only keys `j > i − size`. Views show rows and columns of units (tokens or words); a
 * unit cell is outside when every token pair in it is, so a row's outside cells are always
 * the keys before its `firstSeen` (key units come in text order).
 */
import type { HeadChoice } from '../viewState';

/** One layer's window over a view's rows and columns. */
export interface WindowMask {
  size: number;
  /** Per row, the first key column inside the window (the columns before it are outside). */
  firstSeen: Int32Array;
}

/** Whether cell `(row, col)` lies outside `mask`'s window. */
export function outsideWindow(mask: WindowMask | undefined, row: number, col: number): boolean {
  return mask !== undefined && col < mask.firstSeen[row];
}

/**
 * The mask of a window of `size` tokens over rows whose units start at `rowFirst` tokens and
 * columns whose units end at `keyLast` tokens (both in text order).
 */
export function windowMask(
  size: number,
  rowFirst: readonly number[],
  keyLast: readonly number[],
): WindowMask {
  const firstSeen = new Int32Array(rowFirst.length);
  let j = 0;
  rowFirst.forEach((first, i) => {
    while (j < keyLast.length && first - keyLast[j] >= size) j++;
    firstSeen[i] = j;
  });
  return { size, firstSeen };
}

const memo = new WeakMap<object, Map<number, WindowMask>>();

/** The mask over display units (token indices per unit), kept while the units object lives. */
export function unitWindowMask(size: number, units: { units: number[][] }): WindowMask {
  let bySize = memo.get(units);
  if (!bySize) {
    bySize = new Map();
    memo.set(units, bySize);
  }
  let mask = bySize.get(size);
  if (!mask) {
    mask = windowMask(
      size,
      units.units.map((u) => Math.min(...u)),
      units.units.map((u) => Math.max(...u)),
    );
    bySize.set(size, mask);
  }
  return mask;
}

/** The window of a view's choice: one layer's (any head, a mean or max of its heads); none for rollout. */
export function choiceWindow(
  windows: readonly (number | null)[] | undefined,
  layer: number,
  head: HeadChoice,
): number | undefined {
  if (head === 'rollout' || !Array.isArray(windows)) return undefined;
  // A message may hold anything: only a whole number of tokens is a window.
  const size: unknown = windows[layer];
  return typeof size === 'number' && Number.isInteger(size) && size > 0 ? size : undefined;
}

/** Adds the outside cells of `mask` to the current path: per row, one rectangle. */
export function outsidePath(
  g: { rect(x: number, y: number, w: number, h: number): void },
  mask: WindowMask,
  x: number,
  y: number,
  cell: number,
): void {
  mask.firstSeen.forEach((seen, i) => {
    if (seen > 0) g.rect(x, y + i * cell, seen * cell, cell);
  });
}
