/**
 * The summary table's rows: each head's scores with its mean write (issue 24), read from
 * the layer overview (`LayerOverview.writes`, relative to the residual stream's norm where
 * the engine could measure it), so a sink head that writes nothing is told apart from one
 * whose writes matter.
 */
import type { HeadSummary, LayerOverview } from '../../src/engine/types';

export type SummaryRow = HeadSummary & {
  /** Mean write of the head; null (or absent) without norms. */
  write?: number | null;
};

/**
 * Rows of every layer received so far, in layer/head order (the engine's); a layer's writes
 * from its overview, else from `writes` (asked on demand, webview/writesPull.ts).
 */
export function summaryRows(
  overviews: readonly (LayerOverview | undefined)[],
  writes: readonly ({ mean: number[] } | undefined)[] = [],
): SummaryRow[] {
  return overviews.flatMap((overview, layer) =>
    (overview?.summaries ?? []).map((s) => ({
      ...s,
      write: (overview?.writes ?? writes[layer])?.mean[s.head] ?? null,
    })),
  );
}
