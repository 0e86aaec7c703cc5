/**
 * Where a model's load goes, one fresh Node process per measurement so each peak RSS is its
 * own: onnxruntime-node creating a session from the file (the reference), the engine's whole
 * `loadModel`, and the engine's load split into its steps (read, decode, un-fuse, expose the
 * attention, encode the graph for the session, create the session). Figures, not assertions.
 *
 *   npx tsx tools/bench/loadStagesBench.ts [--model DIR] [--repeats N]
 *   (default DIR: .cache/bench/smollm-like, written by tools/bench/make_smollm_like.py)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { onnx } from 'onnx-proto';
import { Engine } from '../../src/engine/engine';
import { readExternalData } from '../../src/engine/folder/externalData';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { rankGraphFiles } from '../../src/engine/folder/onnxGraphFiles';
import { decodeOnnx } from '../../src/engine/graph/decodeOnnx';
import { exposeAttentionSteps } from '../../src/engine/graph/exposeAttentionSteps';
import { findAttention } from '../../src/engine/graph/findAttention';
import { sessionGraph } from '../../src/engine/graph/sessionGraph';
import { unfuseGraph } from '../../src/engine/graph/unfuse/unfuseGraph';
import { UNFUSERS } from '../../src/engine/graph/unfuse/unfusers';
import { configureOrt, createSession } from '../../src/engine/inference/ortRuntime';
import { warmUpRuntime } from '../../src/engine/inference/predictionGraph';

const ROOT = resolve(__dirname, '..', '..');
const MiB = 1024 ** 2;
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    repeats: { type: 'string' },
    child: { type: 'string' },
  },
});
const modelDir = resolve(values.model ?? join(ROOT, '.cache', 'bench', 'smollm-like'));

type Sample = Record<string, number>;

const peakMiB = () => process.resourceUsage().maxRSS / 1024;
/**
 * This process's CPU time (user + system), in ms: on a shared machine the wall time of a
 * step grows with everyone else's load, its CPU time much less.
 */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function graphPathOf(): Promise<string> {
  const files = nodeModelFiles(modelDir);
  const [best] = rankGraphFiles(await files.list([]));
  if (!best) throw new Error(`${modelDir}: no graph file`);
  return best.path;
}

/** onnxruntime-node from the file, as a native application loads it. */
async function native(): Promise<Sample> {
  const ortNode = await import('onnxruntime-node');
  const path = join(modelDir, await graphPathOf());
  const [started, cpu] = [performance.now(), cpuMs()];
  const session = await ortNode.InferenceSession.create(path, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 1,
  });
  const loadMs = performance.now() - started;
  const loadCpuMs = cpuMs() - cpu;
  await session.release();
  return { loadMs, loadCpuMs, peakMiB: peakMiB() };
}

function configure(): void {
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
}

/** The engine's whole load, after the runtime is up (the CLI and extension overlap that). */
async function engine(): Promise<Sample> {
  configure();
  let started = performance.now();
  await warmUpRuntime();
  const runtimeMs = performance.now() - started;
  const before = peakMiB();
  const cpu = cpuMs();
  started = performance.now();
  const model = await new Engine(nodeModelFiles).loadModel(modelDir);
  const loadMs = performance.now() - started;
  const loadCpuMs = cpuMs() - cpu;
  const peak = peakMiB();
  // What stays: the session's WASM heap (it never shrinks) once the file's buffer is collected.
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  await new Promise((done) => setTimeout(done, 1000));
  gc();
  const rssAfterMiB = process.memoryUsage().rss / MiB;
  return {
    runtimeMs,
    loadMs,
    loadCpuMs,
    runtimePeakMiB: before,
    peakMiB: peak,
    rssAfterMiB,
    layers: model.info.layers,
  };
}

/** The same load, step by step, the way loadModelFolder and loadSingleGraphModel take it. */
async function stages(): Promise<Sample> {
  configure();
  await warmUpRuntime();
  const files = nodeModelFiles(modelDir);
  const graphPath = await graphPathOf();
  const out: Sample = {};
  const time = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const [started, cpu] = [performance.now(), cpuMs()];
    const result = await work();
    out[name] = performance.now() - started;
    out[`${name}Cpu`] = cpuMs() - cpu;
    return result;
  };
  const bytes = (await time('read', () => files.read(graphPath))) as Uint8Array;
  const model = await time('decode', () => decodeOnnx(bytes, files.label, graphPath));
  const graph = model.graph as onnx.IGraphProto;
  const externalData = await time('readExternal', () => readExternalData(files, graph, graphPath));
  await time('unfuse', () => unfuseGraph(model, files.label, graphPath, UNFUSERS));
  await time('expose', () =>
    exposeAttentionSteps(
      model,
      { layers: findAttention(graph).length, says: '' },
      ['probabilities'],
      files.label,
      graphPath,
    ),
  );
  const forSession = await time('encode', () => sessionGraph(model, bytes, graphPath));
  const session = await time('session', () =>
    createSession(forSession.onnxBytes, [...externalData, ...forSession.externalData]),
  );
  await session.release();
  out.sessionBytesMiB = forSession.onnxBytes.byteLength / MiB;
  out.peakMiB = peakMiB();
  return out;
}

const CHILDREN = { native, engine, stages } as const;

function sampleInChild(kind: keyof typeof CHILDREN): Sample {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', __filename, '--child', kind, '--model', modelDir],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').at(-1) as string);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  if (values.child) {
    const kind = values.child as keyof typeof CHILDREN;
    process.stdout.write(`${JSON.stringify(await CHILDREN[kind]())}\n`);
    return;
  }
  const repeats = Number(values.repeats ?? 3);
  console.log(`model: ${modelDir}; median of ${repeats} fresh processes each`);
  console.log(
    `load average before: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  for (const kind of Object.keys(CHILDREN) as (keyof typeof CHILDREN)[]) {
    const samples: Sample[] = [];
    for (let i = 0; i < repeats; i++) samples.push(sampleInChild(kind));
    const keys = Object.keys(samples[0]);
    const row = keys.map((k) => `${k} ${median(samples.map((s) => s[k])).toFixed(0)}`);
    console.log(`${kind}: ${row.join(', ')}`);
  }
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
