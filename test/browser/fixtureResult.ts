/**
 * A real result for the browser tests: the project's engine (onnxruntime-web in Node) runs
 * the fixture decoder (test/fixtures/models/decoder-attn, 2 layers × 2 heads) on a real
 * text; the page's host holds it as the engine does, and the page is sent its metadata as
 * the host sends it (src/panel/webviewFeed.ts `toFeedResult`).
 */
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import type { InspectResult } from '../../src/engine/types';
import { toFeedResult } from '../../src/panel/webviewFeed';
import type { ResultMeta } from '../../src/protocol/webview';
import { fixtureModel, sharedEngine } from '../unit/engine/fixtures';

/** The text the browser tests inspect: a small function with brackets to match. */
export const FIXTURE_TEXT =
  'function addAll(items) {\n  return items.reduce((a, b) => a + b, 0);\n}';

/** The page's metadata, the full result the host holds, and its `[heads, N, N]` layers. */
export interface FixtureResult {
  meta: ResultMeta;
  layers: Float32Array[];
  result: InspectResult;
}

/** `result` as the host would show it as run `runId` (its metadata, stacks included). */
export function fixtureOf(
  result: InspectResult,
  runId = 1,
  label = 'sample.js:1–3',
): FixtureResult {
  const held = holdInspection(new HeldResults(), result);
  return { meta: toFeedResult(held, runId, label).meta, layers: result.attentions, result };
}

/** Inspects `text` with a fixture model (the decoder by default) through the real engine. */
export async function runFixture(
  text = FIXTURE_TEXT,
  runId = 1,
  model = 'decoder-attn',
): Promise<FixtureResult> {
  return fixtureOf(await sharedEngine().inspect(fixtureModel(model), text), runId);
}

/**
 * `fixture` as a held result shows it (issue 22): its metadata says `nextTokens` instead of
 * carrying every row's predictions, so the page asks the host for the rows it shows (the
 * test host answers from the full result's table).
 */
export function heldStyle(fixture: FixtureResult): FixtureResult {
  const { predictions, ...meta } = fixture.meta;
  if (!predictions?.length) throw new Error('the fixture result predicts nothing');
  return { ...fixture, meta: { ...meta, nextTokens: { k: predictions[0]!.length } } };
}
