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
}

export async function matrixCellsOf(w: WebviewPage): Promise<MatrixCells> {
  const box = (await w.page.locator('.matrix-base').boundingBox())!;
  const data = JSON.parse((await w.page.getAttribute('.matrix-base', 'data-layout'))!);
  return { ...data, x: box.x, y: box.y };
}

/** The centre of cell (`i`, `j`), canvas-local. */
export const cellCenter = (l: MatrixCells, i: number, j: number) => ({
  x: l.left + l.panX + (j + 0.5) * l.cell,
  y: l.top + l.panY + (i + 0.5) * l.cell,
});
