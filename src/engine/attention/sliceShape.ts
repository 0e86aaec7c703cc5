/**
 * The tile and downsampled forms of a slice (issue 22: the matrix view asks for the tiles on
 * screen and, zoomed out, one block-reduced picture of a head): a column range cut out of
 * the rows asked for, and blocks of `block` × `block` weights reduced to one number. Rows are
 * computed a few blocks at a time, so a downsampled 4,096-token head never exists whole.
 */
import type { AttentionSliceRequest } from '../types';

/** Rows computed at once while reducing blocks (times the block size, at least one block). */
const ROWS_PER_STEP = 1024;

/** How a request shapes its answer beyond heads and rows. */
export interface SliceShape {
  /** Columns `[start, end)` kept. */
  colStart: number;
  colEnd: number;
  /** Tokens a block is a side (1: no reduction). */
  block: number;
  reduce: 'mean' | 'max';
}

/** The shape `request` asks for, checked against a stack of `cols` columns; throws the reason. */
export function sliceShapeOf(request: AttentionSliceRequest, cols: number): SliceShape {
  const colStart = request.cols?.start ?? 0;
  const colEnd = request.cols?.end ?? cols;
  if (!Number.isInteger(colStart) || !Number.isInteger(colEnd)) {
    throw new Error('columns must be whole numbers');
  }
  if (colStart < 0 || colEnd > cols || colStart >= colEnd) {
    throw new Error(`there are no columns ${colStart}–${colEnd - 1} (columns 0–${cols - 1})`);
  }
  const block = request.block ?? 1;
  if (!Number.isInteger(block) || block < 1) throw new Error(`block ${block} is not a count`);
  if (block > 1 && Array.isArray(request.rows)) {
    throw new Error('a block reduction takes a row range, not a list of rows');
  }
  const reduce = request.reduce ?? 'mean';
  if (reduce !== 'mean' && reduce !== 'max') throw new Error(`no reduction "${String(reduce)}"`);
  return { colStart, colEnd, block, reduce };
}

/**
 * `[heads, ⌈rows/block⌉, ⌈width/block⌉]` of the rows `rows`, read `[heads, some rows, cols]`
 * at a time through `read`; a last block that holds fewer weights reduces over those it holds.
 */
export async function shapeSlice(
  read: (rows: number[]) => Promise<Float32Array>,
  heads: number,
  rows: readonly number[],
  cols: number,
  shape: SliceShape,
): Promise<Float32Array> {
  const { colStart, colEnd, block, reduce } = shape;
  const width = colEnd - colStart;
  const outRows = Math.ceil(rows.length / block);
  const outCols = Math.ceil(width / block);
  const out = new Float32Array(heads * outRows * outCols);
  const step = block * Math.max(1, Math.floor(ROWS_PER_STEP / block));
  for (let first = 0; first < rows.length; first += step) {
    const chunk = rows.slice(first, first + step);
    const weights = await read(chunk);
    for (let h = 0; h < heads; h++) {
      for (let r = 0; r < chunk.length; r++) {
        const from = (h * chunk.length + r) * cols + colStart;
        const at = (h * outRows + Math.floor((first + r) / block)) * outCols;
        for (let j = 0; j < width; j++) {
          const cell = at + Math.floor(j / block);
          const w = weights[from + j];
          if (reduce === 'max') out[cell] = Math.max(out[cell], w);
          else out[cell] += w;
        }
      }
    }
  }
  if (reduce === 'mean' && block > 1) divideByBlockSizes(out, heads, rows.length, width, block);
  return out;
}

function divideByBlockSizes(
  out: Float32Array,
  heads: number,
  rows: number,
  width: number,
  block: number,
): void {
  const outRows = Math.ceil(rows / block);
  const outCols = Math.ceil(width / block);
  for (let h = 0; h < heads; h++) {
    for (let bi = 0; bi < outRows; bi++) {
      const height = Math.min(block, rows - bi * block);
      for (let bj = 0; bj < outCols; bj++) {
        out[(h * outRows + bi) * outCols + bj] /= height * Math.min(block, width - bj * block);
      }
    }
  }
}
