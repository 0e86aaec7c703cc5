/**
 * The matrix view's cell geometry as the page publishes it (`data-layout` on its canvas, CSS
 * pixels: webview/views/matrixView.ts), for tests that point at cells.
 */
import type { WebviewPage } from './webviewPage';

export interface MatrixCells {
  /** Page position of the canvas, for mouse events. */
  x: number;
  y: number;
  /** Rows and columns of the matrix on show. */
  n: number;
  cols: number;
  /** Where the plot starts (past the label margins), a cell's side, and the pan. */
  left: number;
  top: number;
  cell: number;
  panX: number;
  panY: number;
  /** The plot: the canvas less the label margins and 8 px. */
  plotWidth: number;
  plotHeight: number;
}

export async function matrixCellsOf(w: WebviewPage): Promise<MatrixCells> {
  const box = (await w.page.locator('.matrix-base').boundingBox())!;
  const data = JSON.parse((await w.page.getAttribute('.matrix-base', 'data-layout'))!);
  const plot = { plotWidth: box.width - data.left - 8, plotHeight: box.height - data.top - 8 };
  return { ...data, ...plot, x: box.x, y: box.y };
}

/** The centre of cell (`i`, `j`), canvas-local. */
export const cellCenter = (l: MatrixCells, i: number, j: number) => ({
  x: l.left + l.panX + (j + 0.5) * l.cell,
  y: l.top + l.panY + (i + 0.5) * l.cell,
});
