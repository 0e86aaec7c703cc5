/**
 * Side-by-side engine benchmark, one run, figures not assertions:
 *  1. 64/256/512-token forward passes: onnxruntime-web WASM with 1 and 2 threads (each in
 *     its own engine worker, as the extension runs it) next to onnxruntime-node (native,
 *     reference only), with ratios;
 *  2. host responsiveness: the main thread's worst event-loop stall while a 512-token
 *     inspection runs in the worker, next to the same inspection on the main thread.
 *
 *   npx tsx tools/bench/engineBench.ts [--model DIR] [--repeats N] > docs/performance-run.md
 * Needs `node esbuild.mjs` first (it runs the bundled worker).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { Engine } from '../../src/engine/engine';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { loadModelFolder } from '../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { inlineWeights } from '../../src/engine/graph/sessionGraph';
import { EngineClient } from '../../src/worker/engineClient';
import { startNodeWorker } from '../../src/worker/nodeWorkerHandle';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { model: { type: 'string' }, repeats: { type: 'string' } },
});
const modelDir = resolve(values.model ?? join(ROOT, 'models', 'mini-code-gpt'));
const repeats = Number(values.repeats ?? 5);
const SIZES = [64, 256, 512];
const SAMPLE = readFileSync(join(ROOT, 'src', 'engine', 'engine.ts'), 'utf8').repeat(4);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Worst gap between 5 ms timer ticks on this thread while `work` runs. */
async function worstStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
  }, 5);
  await work();
  await new Promise((r) => setTimeout(r, 20));
  clearInterval(timer);
  return worst;
}

function client(threads: number): EngineClient {
  return new EngineClient(() =>
    startNodeWorker(join(ROOT, 'dist', 'engine.worker.js'), {
      wasmDir: join(ROOT, 'dist', 'ort'),
      numThreads: threads,
    }),
  );
}

async function main(): Promise<void> {
  const engine = new Engine(nodeModelFiles);
  configureOrt(pathToFileURL(join(ROOT, 'dist', 'ort')).href, 1);
  const model = await engine.loadModel(modelDir);
  const ids = model.tokenizer.tokenize(SAMPLE).map((t) => t.id);
  const folder = await loadModelFolder(nodeModelFiles(modelDir));
  // onnxruntime-node takes no external data from memory: the edited graph, weights inline.
  const native = await ortNode.InferenceSession.create(
    inlineWeights(folder.onnxBytes, folder.externalData),
    { intraOpNumThreads: 1 },
  );
  const clients = { 1: client(1), 2: client(2) };

  console.log(
    `# Engine benchmark — ${model.info.name} (${model.info.layers} layers × ${model.info.heads} heads, d ${model.info.hiddenSize})`,
  );
  console.log(
    `\n${new Date().toISOString()}, Node ${process.version}, median of ${repeats} runs after one warm-up.\n`,
  );
  console.log(
    '| tokens | wasm 1 thread (worker) | wasm 2 threads (worker) | onnxruntime-node 1 thread | wasm-1 / native | wasm-2 / wasm-1 |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const n of SIZES.filter((size) => size <= model.info.maxPositions)) {
    const slice = ids.slice(0, n - 1);
    const text = model.tokenizer.decode(slice);
    const timed: Record<number, number> = {};
    for (const threads of [1, 2] as const) {
      const times: number[] = [];
      for (let r = 0; r <= repeats; r++) {
        const result = await clients[threads].inspect({ modelDir, text, maxTokens: n, topK: 0 })
          .result;
        if (r > 0) times.push(result.timings.inferenceMs);
      }
      timed[threads] = median(times);
    }
    const feed = {
      [model.folder.manifest.inputs.inputIds]: new ortNode.Tensor(
        'int64',
        BigInt64Array.from([0, ...slice].map(BigInt)),
        [1, n],
      ),
    };
    const nativeTimes: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const t = performance.now();
      await native.run(feed);
      if (r > 0) nativeTimes.push(performance.now() - t);
    }
    const nat = median(nativeTimes);
    console.log(
      `| ${n} | ${timed[1].toFixed(0)} ms | ${timed[2].toFixed(0)} ms | ${nat.toFixed(0)} ms | ${(timed[1] / nat).toFixed(1)}× | ${(timed[2] / timed[1]).toFixed(2)}× |`,
    );
  }

  const longest = Math.min(512, model.info.maxPositions);
  const longText = model.tokenizer.decode(ids.slice(0, longest - 1));
  const idle = await worstStall(() => new Promise((resolve) => setTimeout(resolve, 1000)));
  const inWorker = await worstStall(
    () => clients[1].inspect({ modelDir, text: longText, maxTokens: longest }).result,
  );
  const onMain = await worstStall(() => engine.inspect(modelDir, longText, { maxTokens: longest }));
  console.log(`\n| ${longest}-token inspection | worst main-thread stall |`);
  console.log('| --- | ---: |');
  console.log(`| none (1 s idle: the machine's noise floor) | ${idle.toFixed(1)} ms |`);
  console.log(`| in the engine worker (as the extension runs it) | ${inWorker.toFixed(1)} ms |`);
  console.log(`| on the main thread (what the worker avoids) | ${onMain.toFixed(1)} ms |`);
  console.log(
    `\nThe worker keeps the host's worst stall ${(onMain / inWorker).toFixed(0)}× shorter.`,
  );
  await Promise.all(Object.values(clients).map((c) => c.dispose()));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
