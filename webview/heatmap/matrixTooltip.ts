/** The matrix view's value tooltip: what a cell or label is, placed beside the pointer. */
import { colsOf } from '../../src/shared/squareMatrix';
import { formatWeight } from '../format';
import { TILE } from '../headTiles';
import type { ViewContext } from '../views/view';
import { outsideWindow } from './windowMask';

/** Text for cell `(row, col)`, or a row (`col` -1) or column (`row` -1) label. */
export function tooltipText(ctx: ViewContext, row: number, col: number): string {
  const labels = ctx.units.labels;
  const keyLabels = ctx.keyUnits.labels;
  if (row >= 0 && col >= 0) {
    const weight = weightAt(ctx, row, col);
    const value =
      ctx.causal && col > row
        ? 'masked (causal: a token cannot see later tokens)'
        : outsideWindow(ctx.window, row, col)
          ? `outside the window (a token sees only the last ${ctx.window?.size} tokens, itself included)`
          : weight === undefined
            ? '…'
            : formatWeight(weight);
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

/** The weight at `(row, col)`: from the matrix, or a long head's row or tile when here. */
function weightAt(ctx: ViewContext, row: number, col: number): number | undefined {
  if (ctx.matrix) return ctx.matrix.data[row * colsOf(ctx.matrix) + col];
  if (!ctx.tiles) return undefined;
  const { source, target } = ctx.tiles;
  const fromRow = source.peekRow(target, row);
  if (fromRow) return fromRow[col];
  const at = { row: row - (row % TILE), col: col - (col % TILE) };
  const place = {
    ...at,
    rows: Math.min(TILE, target.n - at.row),
    cols: Math.min(TILE, target.cols - at.col),
  };
  return source.peekTile(target, place)?.[(row - at.row) * place.cols + (col - at.col)];
}
