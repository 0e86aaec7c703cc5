/**
 * How a file longer than a window is cut: windows of `body` text tokens (the model's
 * special tokens are added around each), each starting `stride = body − overlap` tokens
 * after the one before. A query in the overlap was already counted by the window before,
 * where it sat further from the window's start; the later window counts only the queries
 * after it. So every text token is counted once, and every counted query but those in a
 * file's first `overlap` tokens sees at least `overlap` tokens before it.
 */

/** Text tokens two windows share: an eighth of the window, at most 64. */
export function overlapFor(body: number): number {
  return Math.min(64, Math.floor(body / 8));
}

/** One window over a file's text tokens: `[from, to)`, counting queries from `countFrom`. */
export interface ScanWindow {
  from: number;
  to: number;
  countFrom: number;
}

/** The windows over `count` text tokens, at most `limit` tokens counted in all. */
export function planWindows(
  count: number,
  body: number,
  overlap: number,
  limit = Number.POSITIVE_INFINITY,
): { windows: ScanWindow[]; truncated: boolean } {
  const windows: ScanWindow[] = [];
  const stride = body - overlap;
  let counted = 0;
  for (let from = 0; ; from += stride) {
    const countFrom = from === 0 ? 0 : from + overlap;
    let to = Math.min(from + body, count);
    if (to <= countFrom && from > 0) break;
    const left = limit - counted;
    if (to - countFrom >= left) {
      to = countFrom + left;
      if (to > countFrom) windows.push({ from, to, countFrom });
      return { windows, truncated: to < count };
    }
    windows.push({ from, to, countFrom });
    counted += to - countFrom;
    if (to === count) break;
  }
  return { windows, truncated: false };
}
