/**
 * Load benchmark, one run, figures not assertions: how long onnxruntime-web takes to start,
 * then how long a model folder takes to load (read, validate, create the session) and how
 * much memory that
 * costs, as multiples of model.onnx's size. Each load runs in a fresh Node process so its
 * peak resident memory is its own.
 *
 *   /usr/bin/python3 tools/bench/make_large_model.py          # ~100M parameters, not committed
 *   npx tsx tools/bench/loadBench.ts [--model DIR] [--repeats N]
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { warmUpRuntime } from '../../src/engine/inference/predictionGraph';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';

const ROOT = resolve(__dirname, '..', '..');
const MiB = 1024 ** 2;
const { values } = parseArgs({
  options: { model: { type: 'string' }, repeats: { type: 'string' }, child: { type: 'boolean' } },
});
const modelDir = resolve(values.model ?? join(ROOT, '.cache', 'bench', 'large-model'));

interface Sample {
  runtimeMs: number;
  loadMs: number;
  firstRunMs: number;
  baselineMiB: number;
  peakMiB: number;
  afterMiB: number;
  arrayBuffersMiB: number;
}

/** In the child: one load and one 64-token run, measured. */
async function measure(): Promise<Sample> {
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const baselineMiB = process.memoryUsage().rss / MiB;
  let started = performance.now();
  // The runtime alone first (compiling and instantiating onnxruntime-web's WASM): the part of
  // a load no model folder can change. The extension and the CLI overlap it with the folder.
  await warmUpRuntime();
  const runtimeMs = performance.now() - started;
  started = performance.now();
  const model = await engine.loadModel(modelDir);
  const loadMs = performance.now() - started;
  started = performance.now();
  await model.runIds(Array.from({ length: 64 }, (_, i) => (i * 37) % 8192));
  const firstRunMs = performance.now() - started;
  // Freed ArrayBuffers go back to the system from a background thread: give it a moment.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  gc();
  const usage = process.memoryUsage();
  return {
    runtimeMs,
    loadMs,
    firstRunMs,
    baselineMiB,
    peakMiB: process.resourceUsage().maxRSS / 1024,
    afterMiB: usage.rss / MiB,
    arrayBuffersMiB: usage.arrayBuffers / MiB,
  };
}

function sampleInChild(): Sample {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', __filename, '--child', '--model', modelDir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  if (values.child) {
    process.stdout.write(`${JSON.stringify(await measure())}\n`);
    return;
  }
  const fileMiB = statSync(join(modelDir, 'model.onnx')).size / MiB;
  const samples = Array.from({ length: Number(values.repeats ?? 3) }, sampleInChild);
  const m = (key: keyof Sample) => median(samples.map((s) => s[key]));
  const times = (x: number) => `${x.toFixed(0)} MiB (${(x / fileMiB).toFixed(2)}×)`;
  console.log(
    `model: ${modelDir}, model.onnx ${fileMiB.toFixed(0)} MiB; median of ${samples.length} fresh processes`,
  );
  console.log('');
  console.log(
    '| runtime start | load (read, check, session) | first 64-token run | peak RSS over baseline | RSS after load over baseline | JS ArrayBuffers after load |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(
    `| ${(m('runtimeMs') / 1000).toFixed(2)} s | ${(m('loadMs') / 1000).toFixed(2)} s | ${m('firstRunMs').toFixed(0)} ms | ${times(m('peakMiB') - m('baselineMiB'))} | ` +
      `${times(m('afterMiB') - m('baselineMiB'))} | ${times(m('arrayBuffersMiB'))} |`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
