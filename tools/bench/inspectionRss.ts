/**
 * Peak memory of an extension-like inspection (issue 24, item 5): the engine as the extension
 * starts it (value norms and the logit lens available), one held inspection of N tokens and
 * every layer's overview (what the panel pulls first), nothing of issue 24 asked for. Prints
 * one JSON line: tokens, inspection ms, peak RSS. Run one per process (the peak is the
 * process's), e.g. before and after a change:
 *   npx tsx tools/bench/inspectionRss.ts [--model DIR] [--tokens 2048] [--ask]
 * With --ask it then asks for one value-weighted head row and the lens (the peak then
 * includes what they cost).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { benchTexts, engineSource } from './scaleText';

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const model = flag('--model') ?? '/work/bench-cache/smollm-like';
const tokens = Number(flag('--tokens') ?? 2048);

async function main(): Promise<void> {
  const load = loadavg();
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles, 'extension');
  await engine.loadModel(model);
  const [{ text, tokens: n }] = benchTexts(model, engineSource(ROOT).text, [tokens]);
  const start = performance.now();
  const held = await engine.inspectHeld(model, text, { maxTokens: n });
  const [{ layers, heads }] = held.stacks;
  for (let layer = 0; layer < layers; layer++)
    await engine.overview(held.resultId, 'encoder', layer);
  const inspectMs = performance.now() - start;
  const rss = process.resourceUsage().maxRSS * 1024;
  const asked: Record<string, number> = {};
  if (args.includes('--ask')) {
    const row = { kind: 'encoder' as const, layer: 7, heads: [heads - 1], rows: [n - 1] };
    let at = performance.now();
    await engine.slice(held.resultId, row);
    asked.attentionRowMs = performance.now() - at;
    at = performance.now();
    await engine.slice(held.resultId, { kind: 'encoder', layer: 7, heads: [heads - 1] });
    asked.attentionHeadMs = performance.now() - at;
    at = performance.now();
    await engine.slice(held.resultId, { ...row, weights: 'value-weighted' });
    asked.firstValueWeightedRowMs = performance.now() - at;
    at = performance.now();
    await engine.slice(held.resultId, { ...row, layer: 8, weights: 'value-weighted' });
    asked.nextValueWeightedRowMs = performance.now() - at;
    at = performance.now();
    await engine.logitLens(held.resultId, n - 1, 5);
    asked.firstLensMs = performance.now() - at;
    at = performance.now();
    await engine.logitLens(held.resultId, n - 2, 5);
    asked.nextLensMs = performance.now() - at;
    asked.peakRssAfterAskingMB = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  }
  const f = (x: number) => Math.round(x);
  console.log(
    JSON.stringify({
      model: model.split('/').pop(),
      tokens: n,
      inspectMs: f(inspectMs),
      peakRssMB: f(rss / 2 ** 20),
      ...Object.fromEntries(Object.entries(asked).map(([k, v]) => [k, Number(v.toFixed(2))])),
      loadAverage: [load, loadavg()].map((l) => l.map((x) => x.toFixed(2)).join(' ')),
      at: new Date().toISOString().slice(0, 16),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
