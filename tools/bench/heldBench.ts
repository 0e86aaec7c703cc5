/**
 * What a view waits for once the engine holds a result (issue 22), on the SmolLM2-shaped
 * model: the forward pass, the first layer's overview (thumbnails + summaries) and all of
 * them, one head's full matrix, one hover row, one layer, and the bytes held, at 512 and
 * 2,048 tokens; in the engine itself (no process boundary: the child process adds its
 * transfer, docs/decisions.md). Writes the section between `<!-- held:start -->` and
 * `<!-- held:end -->` of docs/performance.md. Run alone on an idle machine:
 *   npx tsx tools/bench/heldBench.ts [--model DIR] [--sizes 512,2048] [--no-write]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
const model = flag('--model') ?? process.env.SCALE_BENCH_MODEL ?? '/work/bench-cache/smollm-like';
const sizes = (flag('--sizes') ?? '512,2048').split(',').map(Number);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const [, loadMs] = await timed(() => engine.loadModel(model));
  const source = engineSource(ROOT).text;
  const rows: string[] = [];
  for (const { tokens, text: cut } of benchTexts(model, source, sizes)) {
    const [held, runMs] = await timed(() => engine.inspectHeld(model, cut, { maxTokens: tokens }));
    const { resultId } = held;
    const [{ layers, heads, rows: n }] = held.stacks;
    const [, firstMs] = await timed(() => engine.overview(resultId, 'encoder', 0));
    const [, restMs] = await timed(async () => {
      for (let l = 1; l < layers; l++) await engine.overview(resultId, 'encoder', l);
    });
    const [, headMs] = await timed(() =>
      engine.slice(resultId, { kind: 'encoder', layer: 7, heads: [4] }),
    );
    const rowTimes: number[] = [];
    for (let i = 0; i < 20; i++) {
      const row = n - 1 - i * 7;
      const [, ms] = await timed(() =>
        engine.slice(resultId, { kind: 'encoder', layer: 7, heads: [i % heads], rows: [row] }),
      );
      rowTimes.push(ms);
    }
    const [, layerMs] = await timed(() => engine.slice(resultId, { kind: 'encoder', layer: 11 }));
    const heldMiB = engine.heldBytes / 2 ** 20;
    const fullMiB = (layers * heads * n * n * 4) / 2 ** 20;
    rows.push(
      `| ${n} | ${Math.round(held.timings.inferenceMs)} | ${Math.round(firstMs)} | ${Math.round(firstMs + restMs)} | ${Math.round(headMs)} | ${median(rowTimes).toFixed(2)} | ${Math.round(layerMs)} | ${Math.round(heldMiB)} (all N × N: ${Math.round(fullMiB)}) | ${Math.round(runMs)} |`,
    );
    console.log(rows[rows.length - 1]);
    engine.release(resultId);
  }
  const peak = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)?.[1];
  const section = [
    '### Held results: what a view waits for (engine, in process)',
    '',
    `Model ${model.split('/').pop()} (30 layers, 9/3 heads, d 576), 1 thread, load ${Math.round(loadMs)} ms; ` +
      `${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ` +
      `${loadavg()
        .map((x) => x.toFixed(2))
        .join(
          ' ',
        )} at end; peak RSS ${Math.round(Number(peak) / 1024)} MiB; ${new Date().toISOString().slice(0, 16)}.`,
    'Targets (issue 22): first thumbnails within 2× the forward pass, a head ≤ 200 ms, a hover ≤ 16 ms.',
    '',
    '| tokens | forward pass ms | first overview ms | all overviews ms | one head ms | one row ms (median of 20) | one layer ms | held MiB | whole run ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
  console.log(section);
  if (args.includes('--no-write')) return;
  const doc = join(ROOT, 'docs', 'performance.md');
  const text = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const [start, end] = ['<!-- held:start -->', '<!-- held:end -->'];
  const block = `${start}\n${section}\n${end}`;
  const at = text.indexOf(start);
  const stop = text.indexOf(end);
  writeFileSync(
    doc,
    at >= 0 && stop > at
      ? text.slice(0, at) + block + text.slice(stop + end.length)
      : `${text.trimEnd()}\n\n${block}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
