/**
 * The levels a model-view thumbnail is painted with (webview/heatmap/thumbnailImage.ts says
 * why it looks this way): each query row scaled to its own largest weight outside the sink
 * column, through a square-root curve, then shrunk by keeping each pixel's largest cell.
 * Shared because the host sends a long result's thumbnails as these levels, one byte a cell
 * (src/protocol/overviewWire.ts), and the webview paints the same pixels from either form.
 */
import { colsOf, type SquareMatrix } from './squareMatrix';

/** A column is the sink when it takes at least this share of all the head's attention. */
const SINK_SHARE = 0.25;

/** Where a layer's sliding window starts in each row (webview/heatmap/windowMask.ts). */
export interface FirstSeen {
  firstSeen: Int32Array;
}

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
 * Each cell's level in [0, 1], `n × cols` like `m`, or -1 where the cell is masked (above the
 * diagonal of a causal matrix, outside a sliding window).
 */
export function cellLevels(m: SquareMatrix, causal: boolean, window?: FirstSeen): Float32Array {
  const { n, data } = m;
  const cols = colsOf(m);
  const levels = new Float32Array(n * cols).fill(-1);
  if (n === 0 || cols === 0) return levels;
  const sink = sinkColumn(m);
  for (let i = 0; i < n; i++) {
    const row = i * cols;
    const last = causal ? i : cols - 1;
    const first = window?.firstSeen[i] ?? 0;
    let top = 0;
    for (let j = first; j <= last; j++) if (j !== sink && data[row + j] > top) top = data[row + j];
    if (!(top > 0)) top = data[row + sink] || 1;
    for (let j = first; j <= last; j++)
      levels[row + j] = Math.sqrt(Math.min(1, data[row + j] / top));
  }
  return levels;
}

/**
 * `n × cols` cell levels shrunk (or stretched) to a `size × size` picture, each pixel the
 * largest level of the cells it covers; -1 where it covers masked cells only. A non-square
 * matrix (cross-attention) is stretched to the square along its shorter side.
 */
export function pooledLevels(
  cells: Float32Array,
  n: number,
  cols: number,
  size: number,
): Float32Array {
  const levels = new Float32Array(size * size).fill(-1);
  for (let i = 0; i < n; i++) {
    const y0 = Math.floor((i * size) / n);
    // A row may cover several pixel rows when there are fewer rows than pixels.
    const y1 = Math.max(y0 + 1, Math.floor(((i + 1) * size) / n));
    for (let j = 0; j < cols; j++) {
      const level = cells[i * cols + j];
      if (level < 0) continue;
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

/** Levels of a `size × size` thumbnail of `m` (row-major), -1 where only masked cells fall. */
export function thumbnailLevels(
  m: SquareMatrix,
  size: number,
  causal: boolean,
  window?: FirstSeen,
): Float32Array {
  return pooledLevels(cellLevels(m, causal, window), m.n, colsOf(m), size);
}
