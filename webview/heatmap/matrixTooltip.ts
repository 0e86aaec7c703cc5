/** The matrix view's value tooltip: what a cell or label is, placed beside the pointer. */
import { colsOf } from '../../src/shared/squareMatrix';
import { formatWeight } from '../format';
import type { ViewContext } from '../views/view';
import { outsideWindow } from './windowMask';

/** Text for cell `(row, col)`, or a row (`col` -1) or column (`row` -1) label. */
export function tooltipText(ctx: ViewContext, row: number, col: number): string {
  const labels = ctx.units.labels;
  const keyLabels = ctx.keyUnits.labels;
  const m = ctx.matrix!;
  if (row >= 0 && col >= 0) {
    const value =
      ctx.causal && col > row
        ? 'masked (causal: a token cannot see later tokens)'
        : outsideWindow(ctx.window, row, col)
          ? `outside the window (a token sees only the last ${ctx.window?.size} tokens, itself included)`
          : formatWeight(m.data[row * colsOf(m) + col]);
    return `${labels[row]} (#${row}) → ${keyLabels[col]} (#${col})\n${value}`;
  }
  return row >= 0 ? `query ${labels[row]} (#${row})` : `key ${keyLabels[col]} (#${col})`;
}

/** Shows `tip` with `text` near `(x, y)`, flipped to stay inside a `width × height` stage. */
export function showTooltip(
  tip: HTMLElement,
  text: string,
  x: number,
  y: number,
  stage: { width: number; height: number },
): void {
  tip.textContent = text;
  tip.hidden = false;
  const flipX = x + 14 + tip.offsetWidth > stage.width;
  tip.style.left = `${flipX ? x - 12 - tip.offsetWidth : x + 14}px`;
  tip.style.top = `${Math.min(y + 14, stage.height - tip.offsetHeight - 4)}px`;
}
