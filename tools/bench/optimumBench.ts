/**
 * Fused vs unfused attention, one run, figures not assertions: the same BERT-base-shaped
 * weights exported plain (MatMul/Softmax) and as ONNX Runtime's transformer optimizer writes
 * them (com.microsoft.Attention, opened up by the engine before it exposes the attention),
 * each inspected by the engine (onnxruntime-web WASM, 1 thread) at 128 and 512 tokens; and
 * the fused graph as it is, run without any edit, for what the fused kernels alone cost.
 *
 *   /usr/bin/python3 tools/bench/make_large_optimized.py
 *   npx tsx tools/bench/optimumBench.ts [--repeats N]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-web';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';

const ROOT = resolve(__dirname, '..', '..');
const BENCH = join(ROOT, '.cache', 'bench');
const { values } = parseArgs({ options: { repeats: { type: 'string' } } });
const repeats = Number(values.repeats ?? 3);
const SIZES = [128, 512];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const idsOf = (n: number) => Array.from({ length: n }, (_, i) => 5 + ((i * 37) % 300));

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function engineRow(name: string): Promise<string> {
  const engine = new Engine(nodeModelFiles);
  const dir = join(BENCH, name);
  const load = await timed(() => engine.loadModel(dir));
  const model = await engine.loadModel(dir);
  const cells: string[] = [];
  for (const n of SIZES) {
    await model.runIds(idsOf(n));
    const runs: number[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await timed(() => model.runIds(idsOf(n))));
    cells.push(`${median(runs).toFixed(0)} ms`);
  }
  return `| ${name} (engine: attention exposed) | ${load.toFixed(0)} ms | ${cells.join(' | ')} |`;
}

async function rawRow(name: string): Promise<string> {
  const bytes = readFileSync(join(BENCH, name, 'model.onnx'));
  let session: ort.InferenceSession | undefined;
  const load = await timed(async () => {
    session = await ort.InferenceSession.create(bytes);
  });
  const cells: string[] = [];
  for (const n of SIZES) {
    const t = (v: (i: number) => number) =>
      new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(v(i))),
        [1, n],
      );
    const feeds = {
      input_ids: t((i) => idsOf(n)[i]),
      attention_mask: t(() => 1),
      token_type_ids: t(() => 0),
    };
    await session?.run(feeds);
    const runs: number[] = [];
    for (let i = 0; i < repeats; i++) runs.push(await timed(async () => session?.run(feeds)));
    cells.push(`${median(runs).toFixed(0)} ms`);
  }
  await session?.release();
  return `| ${name} (as written, no attention out) | ${load.toFixed(0)} ms | ${cells.join(' | ')} |`;
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  console.log(`| graph | load | ${SIZES.map((n) => `${n} tokens`).join(' | ')} |`);
  console.log(`| --- | --- | ${SIZES.map(() => '---').join(' | ')} |`);
  console.log(await engineRow('bert-base-unfused'));
  console.log(await engineRow('bert-base-optimized'));
  console.log(await rawRow('bert-base-optimized'));
}

void main();
