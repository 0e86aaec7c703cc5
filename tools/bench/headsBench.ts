/**
 * Head-scan throughput (issue 25) on the bundled model, in one process: the scan over a
 * corpus (default the Python standard library's email, json, asyncio and http packages,
 * 100,000 tokens) next to the forward pass alone on 512-token windows — the full model as
 * an inspection runs it, and the graph cut to its attention outputs that the scan runs.
 * Wall and CPU seconds (the machine is shared: CPU time is the fairer figure), the load
 * average, and the resident memory sampled every window, to show it stays flat.
 *
 *   npx tsx tools/bench/headsBench.ts [--budget 100000] [--pattern induction] [DIRS…]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import type { HeadPattern } from '../../src/engine/heads/headScanTypes';
import { windowAttention } from '../../src/engine/heads/windowAttention';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { listCorpus, readCorpusFile } from '../../src/util/corpusFiles';

const ROOT = resolve(__dirname, '..', '..');
const MODEL = join(ROOT, 'models', 'mini-code-gpt');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    budget: { type: 'string', default: '100000' },
    pattern: { type: 'string', default: 'induction' },
  },
});
const dirs = positionals.length
  ? positionals
  : ['email', 'json', 'asyncio', 'http'].map((d) => `/usr/lib/python3.11/${d}`);

const cpu = () => process.cpuUsage();
const seconds = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};
const mib = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const load = () => loadavg()[0].toFixed(1);

async function forwardAlone(engine: Engine): Promise<void> {
  const model = await engine.loadModel(MODEL);
  const ids = Array.from({ length: 512 }, (_, i) => (i === 0 ? 0 : 1 + ((i * 7919) % 8000)));
  const pruned = await windowAttention(model, nodeModelFiles(MODEL), 512);
  const runs: [string, () => Promise<unknown>][] = [
    ['full model (inspection: runHeld, predictions)', () => model.runHeld(ids, 5)],
    [`cut to attention (${pruned.source})`, () => pruned.layers(ids, () => undefined)],
  ];
  for (const [name, run] of runs) {
    await run();
    const started = performance.now();
    const used = cpu();
    const repeats = 10;
    for (let i = 0; i < repeats; i++) await run();
    const wall = (performance.now() - started) / 1000 / repeats;
    const perCpu = seconds(used) / repeats;
    console.log(
      `forward, ${name}: 512 tokens ${Math.round(wall * 1000)} ms wall, ${Math.round(perCpu * 1000)} ms CPU → ${Math.round(512 / wall)} tokens/s wall, ${Math.round(512 / perCpu)} per CPU-second (load ${load()})`,
    );
  }
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  await forwardAlone(engine);
  const corpus = await listCorpus(dirs);
  const scan = await engine.startHeadScan(MODEL, {
    pattern: values.pattern as HeadPattern,
    budget: Number(values.budget),
  });
  const started = performance.now();
  const used = cpu();
  const rss: number[] = [];
  for (const path of corpus.files) {
    if (scan.tokensLeft <= 0) break;
    const read = await readCorpusFile(path);
    if ('text' in read) await scan.addFile(path, read.text);
    rss.push(mib());
  }
  const result = scan.result();
  const wall = (performance.now() - started) / 1000;
  const cpuSeconds = seconds(used);
  const windows = result.files.reduce((sum, f) => sum + f.windows, 0);
  console.log(
    `scan (${values.pattern}): ${result.tokens} tokens, ${result.files.length} files, ${windows} windows: ${wall.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU → ${Math.round(result.tokens / wall)} tokens/s wall, ${Math.round(result.tokens / cpuSeconds)} per CPU-second (load ${load()})`,
  );
  const quarter = Math.max(1, Math.floor(rss.length / 4));
  console.log(
    `resident memory (MiB) after files 1, ${quarter}, ${2 * quarter}, ${3 * quarter}, ${rss.length}: ${[rss[0], rss[quarter - 1], rss[2 * quarter - 1], rss[3 * quarter - 1], rss[rss.length - 1]].join(', ')}`,
  );
  console.log(
    `best heads: ${result.heads
      .slice(0, 3)
      .map((h) => `${h.layer}.${h.head} ${h.score?.toFixed(3)} ± ${h.spread.toFixed(3)}`)
      .join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
