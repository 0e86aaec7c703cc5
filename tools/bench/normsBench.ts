/**
 * What issue 24's norms cost, on the SmolLM2-shaped model (engine, in process): the forward
 * pass with and without the head norms fetched (onnxruntime runs only the nodes a run's
 * fetches need), one head's value-weighted row against its attention row, and everything a
 * `--norms` export asks of the engine (every layer's value-weighted slices and head writes)
 * against the plain attention it asks for anyway. Prints a markdown section for
 * docs/performance.md. Run alone:
 *   npx tsx tools/bench/normsBench.ts [--model DIR] [--tokens 512]
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
const tokens = Number(flag('--tokens') ?? 512);

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
  const ids = (await engine.inspectHeld(model, text, { maxTokens: n })).tokens.map((t) => t.id);
  const folder = loaded.folder;
  const plain = { ...folder, normOutputs: undefined };
  const forward = async (withNorms: boolean) => {
    (loaded as { folder: unknown }).folder = withNorms ? folder : plain;
    const ms = await timed(() => loaded.runHeld(ids, 5));
    (loaded as { folder: unknown }).folder = folder;
    return ms;
  };
  const without: number[] = [];
  const withNorms: number[] = [];
  for (let i = 0; i < 3; i++) {
    without.push(await forward(false));
    withNorms.push(await forward(true));
  }
  const held = await engine.inspectHeld(model, text, { maxTokens: n });
  const { resultId } = held;
  const [{ layers, heads }] = held.stacks;
  const row = (weights?: 'value-weighted') => {
    const times: number[] = [];
    return async () => {
      for (let i = 0; i < 20; i++) {
        const request = {
          kind: 'encoder' as const,
          layer: 7,
          heads: [i % heads],
          rows: [n - 1 - i * 7],
        };
        times.push(
          await timed(() => engine.slice(resultId, weights ? { ...request, weights } : request)),
        );
      }
      return median(times);
    };
  };
  const rowMs = await row()();
  const weightedRowMs = await row('value-weighted')();
  const all = async (weights?: 'value-weighted') =>
    timed(async () => {
      for (let layer = 0; layer < layers; layer++) {
        await engine.slice(resultId, { kind: 'encoder', layer, ...(weights ? { weights } : {}) });
        if (weights) engine.headWrites(resultId, 'encoder', layer);
      }
    });
  const attentionMs = await all();
  const normsMs = await all('value-weighted');
  const lensMs = await timed(() => engine.logitLens(resultId, n - 1, 5));
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  console.log(
    [
      `Model ${model.split('/').pop()}, ${n} tokens, 1 thread; ${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at end; ${new Date().toISOString().slice(0, 16)}.`,
      '',
      '| what | ms |',
      '| --- | ---: |',
      `| forward pass without the norms fetched (median of 3) | ${f(median(without))} |`,
      `| forward pass with the norms fetched (median of 3) | ${f(median(withNorms))} |`,
      `| one head's attention row (median of 20) | ${f(rowMs)} |`,
      `| the same row value-weighted (median of 20) | ${f(weightedRowMs)} |`,
      `| every layer's attention, all heads (what the attention export asks for) | ${f(attentionMs)} |`,
      `| every layer's value-weighted attention and head writes (what --norms adds) | ${f(normsMs)} |`,
      `| the logit lens at the last position, 30 layers, top 5 | ${f(lensMs)} |`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
