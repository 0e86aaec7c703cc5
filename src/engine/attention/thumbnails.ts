/**
 * A head at the model view's resolution: the mean of each block of `blockRows` × `blockCols`
 * weights, so a 2,048-token head travels as 128 × 128 numbers, not 4 M. A matrix no larger
 * than `THUMBNAIL_SIDE` a side is its own thumbnail.
 */
import { THUMBNAIL_SIDE } from '../types';

/** How a side of `tokens` is cut: block size and number of blocks. */
export function thumbnailBlocks(tokens: number): { block: number; side: number } {
  const block = Math.max(1, Math.ceil(tokens / THUMBNAIL_SIDE));
  return { block, side: Math.ceil(tokens / block) };
}

/**
 * Block means of every head of `layer` (`[heads, rows, cols]`) into `[heads, side, colSide]`;
 * a last block that holds fewer tokens averages over the ones it holds.
 */
export function thumbnailsOf(
  layer: Float32Array,
  heads: number,
  rows: number,
  cols: number,
): {
  thumbnails: Float32Array;
  side: number;
  colSide: number;
  blockRows: number;
  blockCols: number;
} {
  const { block: blockRows, side } = thumbnailBlocks(rows);
  const { block: blockCols, side: colSide } = thumbnailBlocks(cols);
  const thumbnails = new Float32Array(heads * side * colSide);
  for (let h = 0; h < heads; h++) {
    const out = h * side * colSide;
    for (let i = 0; i < rows; i++) {
      const at = out + Math.floor(i / blockRows) * colSide;
      const row = (h * rows + i) * cols;
      // A row is read once, in order, each block's part summed in a local: the float32
      // roundings of adding into the cell one weight at a time, 3× faster than doing so
      // through the array (first view, docs/performance.md).
      for (let bj = 0, j = 0; bj < colSide; bj++) {
        const end = Math.min(j + blockCols, cols);
        let sum = thumbnails[at + bj];
        for (; j < end; j++) sum = Math.fround(sum + layer[row + j]);
        thumbnails[at + bj] = sum;
      }
    }
    for (let bi = 0; bi < side; bi++) {
      const height = Math.min(blockRows, rows - bi * blockRows);
      for (let bj = 0; bj < colSide; bj++) {
        const width = Math.min(blockCols, cols - bj * blockCols);
        thumbnails[out + bi * colSide + bj] /= height * width;
      }
    }
  }
  return { thumbnails, side, colSide, blockRows, blockCols };
}
