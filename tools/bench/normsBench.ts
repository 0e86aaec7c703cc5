/**
 * What issue 24's norms cost now that they are computed on demand (engine, in process, the
 * SmolLM2-shaped model): the inspection's forward pass, the first question (the second
 * session made and its pass run), the norms pass alone and the lens pass alone (the session
 * made already), one head's row as attention and value-weighted once the norms are there,
 * and what a `--norms` export asks of the engine afterwards. Prints a markdown table for
 * docs/performance.md. Run alone:
 *   npx tsx tools/bench/normsBench.ts [--model DIR] [--tokens 2048]
 */
import { cpus, loadavg } from 'node:os';
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const loaded = await engine.loadModel(model);
  const [{ text, tokens: n }] = benchTexts(model, engineSource(ROOT).text, [tokens]);
  const held = await engine.inspectHeld(model, text, { maxTokens: n });
  const ids = held.tokens.map((t) => t.id);
  const { resultId } = held;
  const [{ layers, heads }] = held.stacks;
  const request = { kind: 'encoder' as const, layer: 7, heads: [heads - 1], rows: [n - 1] };
  const rowMs = await timed(() => engine.slice(resultId, request));
  const headMs = await timed(() => engine.slice(resultId, { ...request, rows: undefined }));
  const firstMs = await timed(() =>
    engine.slice(resultId, { ...request, weights: 'value-weighted' }),
  );
  const rows: number[] = [];
  for (let i = 0; i < 20; i++) {
    const at = { ...request, heads: [i % heads], rows: [n - 1 - i * 7] };
    rows.push(await timed(() => engine.slice(resultId, { ...at, weights: 'value-weighted' })));
  }
  // The inspection's pass and the norms pass side by side, twice, so the load (which moves
  // a lot on a shared machine) weighs on both alike.
  const forward: number[] = [];
  const normsPass: number[] = [];
  for (let i = 0; i < 2; i++) {
    let source: Awaited<ReturnType<typeof loaded.runHeld>>['source'] | undefined;
    forward.push(await timed(async () => ({ source } = await loaded.runHeld(ids, 5))));
    normsPass.push(await timed(() => source?.moves?.norms() ?? Promise.resolve()));
  }
  const forwardMs = median(forward);
  const normsPassMs = Math.min(...normsPass);
  const lensPassMs = await timed(() => engine.logitLens(resultId, n - 1, 5));
  const lensMs = await timed(() => engine.logitLens(resultId, n - 2, 5));
  const exportMs = await timed(async () => {
    for (let layer = 0; layer < layers; layer++) {
      await engine.slice(resultId, { kind: 'encoder', layer, weights: 'value-weighted' });
      await engine.headWrites(resultId, 'encoder', layer);
    }
  });
  const f = (x: number) => x.toLocaleString('en', { maximumFractionDigits: x < 10 ? 2 : 0 });
  console.log(
    [
      `Model ${model.split('/').pop()}, ${n} tokens, 1 thread; ${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at end; ${new Date().toISOString().slice(0, 16)}.`,
      '',
      '| what | ms |',
      '| --- | ---: |',
      `| the inspection's forward pass (no norms in its graph; ${forward.map(f).join(', ')}) | ${f(forwardMs)} |`,
      `| one head's attention row | ${f(rowMs)} |`,
      `| one head's attention, all ${n} rows | ${f(headMs)} |`,
      `| the first value-weighted row (from held values; a model without them: the second session made, its norms pass run) | ${f(firstMs)} |`,
      `| a value-weighted row after that (median of 20) | ${f(median(rows))} |`,
      `| every layer's norms, after each forward pass above (held values, or the second session's pass; ${normsPass.map(f).join(', ')}) | ${f(normsPassMs)} |`,
      `| the first logit lens of the result (its pass fetching the residual streams, then one read) | ${f(lensPassMs)} |`,
      `| the logit lens at another position once the streams are there, 30 layers, top 5 | ${f(lensMs)} |`,
      `| every layer's value-weighted attention and head writes once the norms are there (what --norms adds) | ${f(exportMs)} |`,
      '',
      `Peak RSS of the process at the end (both sessions, the streams held): ${f(process.resourceUsage().maxRSS / 1024)} MB.`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
