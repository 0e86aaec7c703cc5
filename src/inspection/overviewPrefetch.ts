/**
 * The first layer overviews a panel's webview would ask for, started as soon as the result is
 * ready (issue 22): the engine keeps each overview it computed (HeldResults), so while the
 * result's metadata crosses to the webview and the webview's asks cross back, the engine is
 * already computing what they ask for. The same first layers the webview asks for at once
 * (`overviewsInFlight`), so nothing is computed that it would not ask for next.
 *
 * A result whose every layer fits that first batch (the bundled model's) is small enough to
 * wait for: its overviews then travel with its metadata, and the webview asks for nothing. In
 * a remote window each ask is a WebSocket round trip, most of what such a result's first view
 * used to wait for after the forward pass (docs/performance.md, first view).
 */
import type { AttentionKind, HeldResult, LayerOverview } from '../engine/types';
import { overviewsInFlight } from '../shared/overviewBatch';

/** How long a small result's metadata waits for its overviews at most (then they are asked). */
export const OVERVIEWS_WAIT_MS = 250;

export async function prefetchOverviews(
  engine: {
    overview(resultId: number, kind: AttentionKind, layer: number): Promise<LayerOverview>;
  },
  result: HeldResult,
  waitMs = OVERVIEWS_WAIT_MS,
): Promise<LayerOverview[] | undefined> {
  const first = overviewsInFlight(result.stacks);
  const asked: Promise<LayerOverview>[] = [];
  for (const { kind, layers } of result.stacks) {
    for (let layer = 0; layer < layers && asked.length < first; layer++) {
      const overview = engine.overview(result.resultId, kind, layer);
      // A refusal (the result released meanwhile) reaches the webview when it asks.
      overview.catch(() => undefined);
      asked.push(overview);
    }
  }
  const total = result.stacks.reduce((sum, s) => sum + s.layers, 0);
  if (total > first) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    return await Promise.race([Promise.all(asked), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
