/**
 * The first layer overviews a panel's webview will ask for, started as soon as the result is
 * shown (issue 22): the engine keeps each overview it computed (HeldResults), so while the
 * result's metadata crosses to the webview and the webview's asks cross back, the engine is
 * already computing what they ask for. The same first layers the webview asks for at once
 * (`overviewsInFlight`), so nothing is computed that it would not ask for next.
 */
import type { AttentionKind, HeldResult, LayerOverview } from '../engine/types';
import { overviewsInFlight } from '../shared/overviewBatch';

export function prefetchOverviews(
  engine: {
    overview(resultId: number, kind: AttentionKind, layer: number): Promise<LayerOverview>;
  },
  result: HeldResult,
): void {
  let left = overviewsInFlight(result.stacks);
  for (const { kind, layers } of result.stacks) {
    for (let layer = 0; layer < layers && left > 0; layer++, left--) {
      // A refusal (the result released meanwhile) reaches the webview when it asks.
      engine.overview(result.resultId, kind, layer).catch(() => undefined);
    }
  }
}
