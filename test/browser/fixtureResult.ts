/**
 * A real result for the browser tests: the project's engine (onnxruntime-web in Node) runs
 * the fixture decoder (test/fixtures/models/decoder-attn, 2 layers × 2 heads) on a real
 * text, and its `InspectResult` is split into the messages the host sends the webview.
 */
import type { ResultMeta } from '../../src/protocol/webview';
import { packWeights, unpackWeights } from '../../src/shared/weightWire';
import { fixtureModel, sharedEngine } from '../unit/engine/fixtures';

/** The text the browser tests inspect: a small function with brackets to match. */
export const FIXTURE_TEXT =
  'function addAll(items) {\n  return items.reduce((a, b) => a + b, 0);\n}';

/** Metadata plus one `[heads, N, N]` tensor per layer. */
export interface FixtureResult {
  meta: ResultMeta;
  layers: Float32Array[];
}

/** A layer as the webview holds it after the trip (src/shared/weightWire.ts). */
export function heldByWebview(layer: Float32Array): Float32Array {
  return unpackWeights(packWeights(layer));
}

/** Inspects `text` with a fixture model (the decoder by default) through the real engine. */
export async function runFixture(
  text = FIXTURE_TEXT,
  runId = 1,
  model = 'decoder-attn',
): Promise<FixtureResult> {
  const { attentions, ...rest } = await sharedEngine().inspect(fixtureModel(model), text);
  return { meta: { ...rest, runId, source: { label: 'sample.js:1–3' } }, layers: attentions };
}
