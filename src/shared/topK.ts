/** Picking the strongest weights of a row (highlights, head-view lines, announcements). */

/**
 * Indices of the `k` largest values of `row` that are above `threshold`, largest first;
 * ties keep index order so results are stable between renders.
 */
export function topK(row: ArrayLike<number>, k: number, threshold = 0): number[] {
  const picked: number[] = [];
  if (k <= 0) return picked;
  for (let j = 0; j < row.length; j++) {
    const v = row[j];
    if (!(v > threshold)) continue;
    if (picked.length === k && v <= row[picked[k - 1]]) continue;
    let at = picked.length;
    while (at > 0 && row[picked[at - 1]] < v) at--;
    picked.splice(at, 0, j);
    if (picked.length > k) picked.pop();
  }
  return picked;
}
