/**
 * How many layer overviews are asked for at once (issue 22). Each ask crosses the webview
 * bridge twice (in a remote window, a WebSocket round trip each way); two at a time kept a
 * newer result from waiting behind an older one's big layers, but cost the bundled model's
 * four small layers two round trips after its metadata (the first view's *layers* stage).
 * Small layers are asked for all at once; the host starts the same first ones as soon as a
 * result is shown (src/inspection/overviewPrefetch.ts), so the asks find them computed.
 */
import type { AttentionStack } from '../engine/types';

/** Overviews in flight at least: one travels while the view draws the one before. */
export const OVERVIEWS_IN_FLIGHT = 2;

/**
 * Weights (heads · rows · cols, all layers asked at once) in flight at most beyond those two:
 * 8 M weights, the bundled model's four layers up to ~700 tokens (10–20 ms each in the
 * engine), three of the 30-layer model's at 512 tokens (~40 ms each: the engine computes the
 * next while one crosses the bridge). What a newer result may wait behind is bounded by it.
 */
export const OVERVIEW_WEIGHTS_IN_FLIGHT = 2 ** 23;

/** Overviews to ask for at once for a result of `stacks`. */
export function overviewsInFlight(stacks: readonly AttentionStack[]): number {
  const largest = Math.max(1, ...stacks.map((s) => s.heads * s.rows * s.cols));
  return Math.max(OVERVIEWS_IN_FLIGHT, Math.floor(OVERVIEW_WEIGHTS_IN_FLIGHT / largest));
}
