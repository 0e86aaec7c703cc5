/**
 * TransformerLens's head-detector `mul` score for one layer of one window: per head,
 * Σ(A ⊙ D) / Σ A over the counted query rows, where D marks each query's targets. A row
 * counts when it has at least one target and this window owns it (scanWindows.ts), so
 * rows without a target do not dilute the score (HeadVis's induction score averages over
 * repeated query positions in the same way). With `excludeFirst` / `excludeCurrent` the
 * weight on key 0 / on the query itself leaves both sums (TransformerLens's `exclude_bos`,
 * `exclude_current_token`).
 */
import type { Targets } from './textPatterns';

export interface LayerScoring {
  targets: Targets;
  /** The query rows counted (ascending). */
  rows: readonly number[];
  excludeFirst?: boolean;
  excludeCurrent?: boolean;
}

/** One layer's sums per head, and per head and counted row its share and strongest target. */
export interface LayerScore {
  /** Σ over counted rows of the weight on targets, per head. */
  onTargets: Float64Array;
  /** Σ over counted rows of the weight that counts (1 per row without exclusions), per head. */
  total: Float64Array;
  /** `[heads, rows.length]`: each row's weight on its targets divided by its counted weight. */
  rowShares: Float32Array;
  /** `[heads, rows.length]`: the target the row weighted most. */
  bestKeys: Int32Array;
}

/** Scores `weights` (`[heads, n, n]`, rows summing to 1). */
export function scoreLayer(
  weights: Float32Array,
  n: number,
  heads: number,
  scoring: LayerScoring,
): LayerScore {
  const { targets, rows, excludeFirst = false, excludeCurrent = false } = scoring;
  const onTargets = new Float64Array(heads);
  const total = new Float64Array(heads);
  const rowShares = new Float32Array(heads * rows.length);
  const bestKeys = new Int32Array(heads * rows.length);
  for (let h = 0; h < heads; h++) {
    for (let r = 0; r < rows.length; r++) {
      const q = rows[r];
      const at = (h * n + q) * n;
      let onRow = 0;
      let best = -1;
      let bestWeight = -1;
      for (const k of targets[q]) {
        if ((excludeFirst && k === 0) || (excludeCurrent && k === q)) continue;
        const a = weights[at + k];
        onRow += a;
        if (a > bestWeight) {
          bestWeight = a;
          best = k;
        }
      }
      let counted = 1;
      if (excludeFirst) counted -= weights[at];
      if (excludeCurrent && !(excludeFirst && q === 0)) counted -= weights[at + q];
      onTargets[h] += onRow;
      total[h] += counted;
      rowShares[h * rows.length + r] = counted > 0 ? onRow / counted : 0;
      bestKeys[h * rows.length + r] = best;
    }
  }
  return { onTargets, total, rowShares, bestKeys };
}
