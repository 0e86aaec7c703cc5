/**
 * What the Weights switch costs beyond the matrix view (issue 24), on the SmolLM2-shaped
 * model (engine, in process): every layer's attention overview (what the model view asks
 * for anyway) against its value-weighted overview asked after it (thumbnails of row shares
 * read through a value-weighted slice), and one 128 × 128 tile of a head, attention against
 * value-weighted row shares (`rowShares`: whole rows read, then cut). Prints a markdown
 * section for docs/performance.md. Run alone:
 *   npx tsx tools/bench/weightedOverviewBench.ts [--model DIR] [--tokens 512]
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
  await engine.loadModel(model);
  const [{ text, tokens: n }] = benchTexts(model, engineSource(ROOT).text, [tokens]);
  const held = await engine.inspectHeld(model, text, { maxTokens: n });
  const { resultId } = held;
  const [{ layers }] = held.stacks;
  const plain: number[] = [];
  const weighted: number[] = [];
  for (let layer = 0; layer < layers; layer++) {
    plain.push(await timed(() => engine.overview(resultId, 'encoder', layer)));
    weighted.push(
      await timed(() => engine.overview(resultId, 'encoder', layer, undefined, 'value-weighted')),
    );
  }
  const tile = (valueWeighted: boolean) => async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = Math.min(n - 128, i * 37);
      const request = {
        kind: 'encoder' as const,
        layer: 7,
        heads: [i % 9],
        rows: { start, end: start + 128 },
        cols: { start: 0, end: 128 },
        ...(valueWeighted ? { weights: 'value-weighted' as const, rowShares: true } : {}),
      };
      times.push(await timed(() => engine.slice(resultId, request)));
    }
    return median(times);
  };
  await tile(false)(); // the first slices warm the attention kernel's session up
  const tileMs = await tile(false)();
  const weightedTileMs = await tile(true)();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
  console.log(
    [
      `Model ${model.split('/').pop()}, ${n} tokens, 1 thread; ${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at end; ${new Date().toISOString().slice(0, 16)}.`,
      '',
      '| what | ms |',
      '| --- | ---: |',
      `| every layer's attention overview (${layers} layers, summed) | ${f(sum(plain))} |`,
      `| every layer's value-weighted overview, asked after it (summed) | ${f(sum(weighted))} |`,
      `| one layer's value-weighted overview (median) | ${f(median(weighted))} |`,
      `| a 128 × 128 tile, attention (median of 10) | ${f(tileMs)} |`,
      `| the same tile as value-weighted row shares (median of 10) | ${f(weightedTileMs)} |`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
