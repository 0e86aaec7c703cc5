/** Which lines the head view draws: per head and query, the strongest keys. */
import type { SquareMatrix } from '../../src/shared/squareMatrix';
import { topK } from '../../src/shared/topK';

/** Row height of a token in CSS pixels, and the width of the band the lines cross. */
export const HEAD_ROW = 20;
export const HEAD_GAP = 180;
/** Lines below this weight are not drawn. */
export const HEAD_THRESHOLD = 0.02;

/** One line of the head view: `query` attends to `key` with `weight` in `head`. */
export interface HeadLine {
  head: number;
  query: number;
  key: number;
  weight: number;
}

/** For every head and query, its `k` strongest keys above `threshold`. */
export function headLines(
  perHead: readonly { head: number; m: SquareMatrix }[],
  k: number,
  threshold: number,
): HeadLine[] {
  const lines: HeadLine[] = [];
  for (const { head, m } of perHead) {
    for (let i = 0; i < m.n; i++) {
      const row = m.data.subarray(i * m.n, (i + 1) * m.n);
      for (const j of topK(row, k, threshold))
        lines.push({ head, query: i, key: j, weight: row[j] });
    }
  }
  return lines;
}

/** Every line into key `key` above `threshold`, from any query of any head. */
export function linesToKey(
  perHead: readonly { head: number; m: SquareMatrix }[],
  key: number,
  threshold: number,
): HeadLine[] {
  const lines: HeadLine[] = [];
  for (const { head, m } of perHead) {
    for (let i = 0; i < m.n; i++) {
      const weight = m.data[i * m.n + key];
      if (weight > threshold) lines.push({ head, query: i, key, weight });
    }
  }
  return lines;
}
