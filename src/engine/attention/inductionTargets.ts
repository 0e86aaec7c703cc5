/**
 * Where an induction head would look, measured on the inspected text itself (Olsson et al.
 * 2022): a head that has learned "[A][B] … [A] → attend to [B]" puts its weight, for query
 * token `i`, on the tokens that came right after earlier occurrences of token `i`.
 */

/**
 * For each query `i`, the key positions `j + 1` such that token `j` has the same id as
 * token `i`, `j < i`, and `j + 1 < i − 1`: the successor just before the query is left out,
 * so that a previous-token head is never counted as an induction head. `skip(i)` marks
 * tokens that are never queries nor occurrences (special tokens).
 */
export function inductionTargets(
  ids: readonly number[],
  skip: (i: number) => boolean = () => false,
): number[][] {
  const seen = new Map<number, number[]>();
  return ids.map((id, i) => {
    if (skip(i)) return [];
    const earlier = seen.get(id) ?? [];
    const targets = earlier.map((j) => j + 1).filter((k) => k < i - 1);
    seen.set(id, [...earlier, i]);
    return targets;
  });
}
