/**
 * Turns a matrix into pixels once (one pixel per cell), so views scale that image instead
 * of filling 262,144 rectangles, and hover only repaints an overlay.
 */
import { colsOf, type SquareMatrix } from '../../src/shared/squareMatrix';
import { lutIndex } from './colorMaps';
import { scaleTop, type ColorScale } from './colorScale';
import type { WindowMask } from './windowMask';

/** `#rgb`/`#rrggbb` → [r, g, b]; anything else → grey (palette colours are hex). */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(color.trim());
  if (!m) return [128, 128, 128];
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((k) => parseInt(h.slice(k, k + 2), 16)) as [number, number, number];
}

/**
 * A `cols × n` canvas of `m` (one pixel per cell) through `lut` on `scale`; cells above the
 * diagonal of a causal matrix, and outside a sliding `window`, get `maskColor` instead, so a masked cell never reads as a
 * zero weight.
 */
export function heatmapCanvas(
  m: SquareMatrix,
  lut: Uint8Array,
  scale: ColorScale,
  causal: boolean,
  maskColor: string,
  window?: WindowMask,
): HTMLCanvasElement {
  const paint = { lut, scale, causal, maskColor, window };
  return cellsCanvas(m.data, m.n, colsOf(m), { row: 0, col: 0, block: 1 }, paint);
}

/** How cells are coloured: the colour map, its scale, and the causal mask's colour. */
export interface CellPaint {
  lut: Uint8Array;
  scale: ColorScale;
  causal: boolean;
  maskColor: string;
  /** Keys outside a sliding window are masked too. */
  window?: WindowMask;
}

/**
 * A `cols × rows` canvas of row-major `data` whose cell `(r, c)` covers the tokens from
 * `(at.row + r·block, at.col + c·block)`, `block` a side (a tile of a long matrix, or its
 * block-reduced picture). A cell is masked when every token pair it covers is (causal), and
 * scaled by the top of its first row.
 */
export function cellsCanvas(
  data: Float32Array,
  rows: number,
  cols: number,
  at: { row: number; col: number; block: number },
  { lut, scale, causal, maskColor, window }: CellPaint,
): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, cols);
  canvas.height = Math.max(1, rows);
  if (rows === 0 || cols === 0) return canvas;
  const image = new ImageData(cols, rows);
  const pixels = new Uint32Array(image.data.buffer);
  // Pack each LUT entry as one little-endian RGBA word (ImageData is RGBA in memory).
  const packed = new Uint32Array(256);
  for (let k = 0; k < 256; k++) {
    packed[k] = (255 << 24) | (lut[k * 3 + 2] << 16) | (lut[k * 3 + 1] << 8) | lut[k * 3];
  }
  const [mr, mg, mb] = parseHex(maskColor);
  const masked = ((255 << 24) | (mb << 16) | (mg << 8) | mr) >>> 0;
  const { block } = at;
  for (let r = 0; r < rows; r++) {
    const line = r * cols;
    const firstRow = at.row + r * block;
    const lastRow = firstRow + block - 1;
    const max = scaleTop(scale, firstRow);
    // Windows only widen down the rows: a cell is outside when its block's first row says so.
    const seen = window?.firstSeen[firstRow] ?? 0;
    for (let c = 0; c < cols; c++) {
      const firstCol = at.col + c * block;
      const hidden = (causal && firstCol > lastRow) || firstCol + block - 1 < seen;
      pixels[line + c] = hidden ? masked : packed[lutIndex(data[line + c], max)];
    }
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
  return canvas;
}

/** A small repeating diagonal-hatch pattern for masked cells. */
export function hatchPattern(
  ctx: CanvasRenderingContext2D,
  color: string,
  scale: number,
): CanvasPattern {
  const size = Math.max(4, Math.round(6 * scale));
  const tile = document.createElement('canvas');
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d')!;
  t.strokeStyle = color;
  t.lineWidth = Math.max(1, scale);
  t.beginPath();
  // Three strokes so the diagonal continues across tile edges.
  for (const offset of [-size, 0, size]) {
    t.moveTo(offset, size);
    t.lineTo(offset + size, 0);
  }
  t.stroke();
  return ctx.createPattern(tile, 'repeat')!;
}

/**
 * Adds the staircase outline of the masked (strictly upper) triangle of an `n × n` grid
 * of `cell`-sized cells at `(x, y)` to the current path.
 */
export function maskedTrianglePath(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  cell: number,
  n: number,
): void {
  ctx.moveTo(x + cell, y);
  ctx.lineTo(x + n * cell, y);
  ctx.lineTo(x + n * cell, y + (n - 1) * cell);
  for (let i = n - 1; i >= 1; i--) {
    ctx.lineTo(x + i * cell, y + i * cell);
    ctx.lineTo(x + i * cell, y + (i - 1) * cell);
  }
  ctx.closePath();
}
