/**
 * One head as a model-view thumbnail, drawn so its structure shows at any length. A plain
 * 0–max image of a 512-token head is a dark triangle: most weight sits in one "sink" column
 * and the rest is spread thin, and shrinking 512 rows to 128 pixels averages a one-cell
 * diagonal away. So a thumbnail (1) scales each query row to its own largest weight outside
 * the sink column, (2) puts that through a square-root curve, and (3) shrinks by keeping each
 * pixel's largest cell. The sink column itself is drawn clipped at the top of the scale.
 */
import { colsOf, type SquareMatrix } from '../../src/shared/squareMatrix';
import { parseHex } from './heatmapImage';
import type { WindowMask } from './windowMask';

/** The thumbnails' colour scale in words, shown above the model view. */
export const THUMBNAIL_SCALE =
  'Thumbnails: each row scaled to its own largest weight (the sink column, if any, clipped), ' +
  'square-root curve, largest cell per pixel. Open a head for its exact weights.';

/** A column is the sink when it takes at least this share of all the head's attention. */
const SINK_SHARE = 0.25;

/** The key column that soaks up attention (≥ a quarter of it), or -1 when none does. */
export function sinkColumn(m: SquareMatrix): number {
  const { n, data } = m;
  const cols = colsOf(m);
  if (cols < 2) return -1;
  const sums = new Float64Array(cols);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) sums[j] += data[i * cols + j];
  }
  let best = 0;
  for (let j = 0; j < cols; j++) {
    total += sums[j];
    if (sums[j] > sums[best]) best = j;
  }
  return total > 0 && sums[best] / total >= SINK_SHARE ? best : -1;
}

/**
 * Levels in [0, 1] of a `size × size` thumbnail of `m` (row-major), or -1 where every cell
 * the pixel covers is masked (above the diagonal of a causal matrix, outside a sliding window). A non-square matrix
 * (cross-attention) is stretched to the square along its shorter side.
 */
export function thumbnailLevels(
  m: SquareMatrix,
  size: number,
  causal: boolean,
  window?: WindowMask,
): Float32Array {
  const { n, data } = m;
  const cols = colsOf(m);
  const levels = new Float32Array(size * size).fill(-1);
  if (n === 0 || cols === 0) return levels;
  const sink = sinkColumn(m);
  for (let i = 0; i < n; i++) {
    const row = i * cols;
    const last = causal ? i : cols - 1;
    const first = window?.firstSeen[i] ?? 0;
    let top = 0;
    for (let j = first; j <= last; j++) if (j !== sink && data[row + j] > top) top = data[row + j];
    if (!(top > 0)) top = data[row + sink] || 1;
    const y0 = Math.floor((i * size) / n);
    // A row may cover several pixel rows when there are fewer rows than pixels.
    const y1 = Math.max(y0 + 1, Math.floor(((i + 1) * size) / n));
    for (let j = first; j <= last; j++) {
      const level = Math.sqrt(Math.min(1, data[row + j] / top));
      const x0 = Math.floor((j * size) / cols);
      const x1 = Math.max(x0 + 1, Math.floor(((j + 1) * size) / cols));
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++)
          if (level > levels[y * size + x]) levels[y * size + x] = level;
      }
    }
  }
  return levels;
}

/** Paints `levels` (see {@link thumbnailLevels}) into `canvas`, `zoom` pixels per level. */
export function paintThumbnail(
  canvas: HTMLCanvasElement,
  levels: Float32Array,
  size: number,
  zoom: number,
  lut: Uint8Array,
  maskColor: string,
): void {
  const px = size * zoom;
  canvas.width = px;
  canvas.height = px;
  const image = new ImageData(px, px);
  const pixels = new Uint32Array(image.data.buffer);
  const [mr, mg, mb] = parseHex(maskColor);
  const masked = ((255 << 24) | (mb << 16) | (mg << 8) | mr) >>> 0;
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const level = levels[Math.floor(y / zoom) * size + Math.floor(x / zoom)];
      const k = Math.round(level * 255) * 3;
      // ImageData is RGBA in memory: one little-endian word per pixel.
      pixels[y * px + x] =
        level < 0 ? masked : ((255 << 24) | (lut[k + 2] << 16) | (lut[k + 1] << 8) | lut[k]) >>> 0;
    }
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}
