/** Geometry of the matrix view: where cells and labels go for a size, zoom and pan. */

/** Placement of an `n × cols` heatmap in a canvas of `width × height` CSS pixels. */
export interface MatrixLayout {
  /** Rows. */
  n: number;
  /** Columns (`n` for self-attention; source tokens for cross-attention). */
  cols: number;
  /** Left edge and top edge of the plot area (after the label margins). */
  left: number;
  top: number;
  /** Visible plot area size. */
  plotWidth: number;
  plotHeight: number;
  /** Cell size in CSS pixels. */
  cell: number;
  /** Pan offset of cell (0, 0) from the plot's top-left corner (≤ 0). */
  panX: number;
  panY: number;
  /** Font size of the axis labels; 0 when cells are too small for any. */
  fontSize: number;
  /** Draw every `labelStep`-th label so labels never overlap. */
  labelStep: number;
}

const MIN_FONT = 7;
const MAX_FONT = 12;

/** Lays out the view; `panX`/`panY` are clamped so the heatmap never leaves the plot. */
export function layoutMatrix(
  n: number,
  width: number,
  height: number,
  labelMargin: { left: number; top: number },
  zoom: number,
  panX: number,
  panY: number,
  cols = n,
): MatrixLayout {
  const left = labelMargin.left;
  const top = labelMargin.top;
  const plotWidth = Math.max(0, width - left - 8);
  const plotHeight = Math.max(0, height - top - 8);
  const fit = n > 0 && cols > 0 ? Math.min(plotWidth / cols, plotHeight / n) : 0;
  const cell = fit * zoom;
  const clamp = (pan: number, plot: number, count: number) =>
    Math.min(0, Math.max(plot - count * cell, pan));
  const fontSize = Math.min(MAX_FONT, Math.floor(cell * 0.8));
  const labelStep =
    fontSize >= MIN_FONT ? 1 : Math.max(1, Math.ceil(MIN_FONT / Math.max(cell, 0.1)));
  return {
    n,
    cols,
    left,
    top,
    plotWidth,
    plotHeight,
    cell,
    panX: clamp(panX, plotWidth, cols),
    panY: clamp(panY, plotHeight, n),
    fontSize: Math.max(fontSize, MIN_FONT),
    labelStep,
  };
}

/** What lies under a point: a cell, a row label (`col` -1), a column label (`row` -1). */
export interface MatrixHit {
  row: number;
  col: number;
}

/** Hit-tests a point in CSS pixels of the canvas. */
export function hitMatrix(l: MatrixLayout, x: number, y: number): MatrixHit | null {
  if (l.cell <= 0) return null;
  const col = Math.floor((x - l.left - l.panX) / l.cell);
  const row = Math.floor((y - l.top - l.panY) / l.cell);
  const inX = x >= l.left && x < l.left + l.plotWidth && col >= 0 && col < l.cols;
  const inY = y >= l.top && y < l.top + l.plotHeight && row >= 0 && row < l.n;
  if (inX && inY) return { row, col };
  if (inY && x < l.left) return { row, col: -1 };
  if (inX && y < l.top) return { row: -1, col };
  return null;
}

/** The first and last (exclusive) indices visible along one axis. */
export function visibleRange(pan: number, plot: number, cell: number, n: number): [number, number] {
  if (cell <= 0) return [0, 0];
  return [Math.max(0, Math.floor(-pan / cell)), Math.min(n, Math.ceil((plot - pan) / cell))];
}

/** Pan that keeps cell index `k` inside the plot along one axis. */
export function panToShow(pan: number, plot: number, cell: number, k: number): number {
  const start = k * cell + pan;
  if (start < 0) return -k * cell;
  if (start + cell > plot) return plot - (k + 1) * cell;
  return pan;
}

/**
 * The pan after zooming by `ratio` that keeps the point (`x`, `y`) (CSS pixels; by default the
 * plot's centre) over the same cell.
 */
export function panKeeping(
  l: MatrixLayout,
  ratio: number,
  x = l.left + l.plotWidth / 2,
  y = l.top + l.plotHeight / 2,
): { x: number; y: number } {
  return {
    x: x - l.left - (x - l.left - l.panX) * ratio,
    y: y - l.top - (y - l.top - l.panY) * ratio,
  };
}

/** Label margins wide enough for the widest (shortened) label, 12 px mono, at most 150 px. */
export function labelMargin(
  g: CanvasRenderingContext2D,
  monoFamily: string | undefined,
  labels: readonly string[],
): { left: number; top: number } {
  g.font = `12px ${monoFamily ?? 'monospace'}`;
  let widest = 0;
  // Each distinct label is measured once: a long result repeats most of them.
  for (const label of new Set(labels)) {
    widest = Math.max(widest, g.measureText(shortLabel(label)).width);
  }
  const size = Math.ceil(Math.min(150, widest + 12));
  return { left: size, top: size };
}

/** Shortens a label to `max` characters with an ellipsis. */
export function shortLabel(label: string, max = 16): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

/**
 * The cell cursor after a navigation key (arrows, PageUp/PageDown by `page` rows, Home/End
 * along the row or, with Ctrl, to the corners), or null for any other key.
 */
export function moveCursor(
  cursor: { row: number; col: number },
  key: string,
  ctrl: boolean,
  n: number,
  page: number,
  cols = n,
): { row: number; col: number } | null {
  const clampTo = (k: number, count: number) => Math.min(count - 1, Math.max(0, k));
  const { row, col } = cursor;
  const moves: Record<string, [number, number]> = {
    ArrowUp: [row - 1, col],
    ArrowDown: [row + 1, col],
    ArrowLeft: [row, col - 1],
    ArrowRight: [row, col + 1],
    PageUp: [row - page, col],
    PageDown: [row + page, col],
    Home: [ctrl ? 0 : row, 0],
    End: [ctrl ? n - 1 : row, cols - 1],
  };
  const to = moves[key];
  return to ? { row: clampTo(to[0], n), col: clampTo(to[1], cols) } : null;
}
