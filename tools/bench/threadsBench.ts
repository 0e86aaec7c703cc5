/**
 * Forward pass with 1 and 2 WASM threads, each in its own engine worker (as the extension
 * runs it), on one model at a few lengths: the figures behind the "auto" thread rule
 * (src/engine/inference/threadRule.ts, docs/performance.md). Figures, not assertions.
 *
 *   npx tsx tools/bench/threadsBench.ts [--model DIR] [--tokens 128,512] [--repeats N] [--threads 1,2]
 * Needs `node esbuild.mjs` first (it runs the bundled worker).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineClient } from '../../src/worker/engineClient';
import { startNodeWorker } from '../../src/worker/nodeWorkerHandle';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string' },
    repeats: { type: 'string' },
    threads: { type: 'string' },
  },
});
const modelDir = resolve(values.model ?? join(ROOT, 'models', 'mini-code-gpt'));
const sizes = (values.tokens ?? '200').split(',').map(Number);
const threadCounts = (values.threads ?? '1,2').split(',').map(Number);
const repeats = Number(values.repeats ?? 3);
// Plain source text: every model's tokenizer turns it into enough tokens.
const SAMPLE = readFileSync(join(ROOT, 'src', 'engine', 'engine.ts'), 'utf8').repeat(8);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function client(threads: number): EngineClient {
  return new EngineClient(
    () =>
      startNodeWorker(join(ROOT, 'dist', 'engine.worker.js'), {
        wasmDir: join(ROOT, 'dist', 'ort'),
        numThreads: threads,
      }),
    { timeoutSeconds: 600, raiseHint: 'raise the bench timeout' },
  );
}

/**
 * Each thread count in its own worker, all loaded first; then the runs alternate between
 * them, so that on a shared machine every count meets the same load.
 */
async function main(): Promise<void> {
  const clients = threadCounts.map((threads) => ({ threads, engine: client(threads) }));
  console.log(`model ${modelDir}, ${repeats} runs each after one warm-up, alternating`);
  console.log('| tokens | threads | forward pass (median) | runs | load average during |');
  console.log('| ---: | ---: | ---: | --- | --- |');
  try {
    for (const n of sizes) {
      const times = new Map<number, number[]>(threadCounts.map((t) => [t, []]));
      const loads: string[] = [];
      let inspected = 0;
      for (let r = 0; r <= repeats; r++) {
        for (const { threads, engine } of clients) {
          const result = await engine.inspect({ modelDir, text: SAMPLE, maxTokens: n, topK: 0 })
            .result;
          inspected = result.tokens.length;
          if (r > 0) times.get(threads)?.push(result.timings.inferenceMs);
        }
        loads.push(loadavg()[0].toFixed(1));
      }
      for (const threads of threadCounts) {
        const runs = times.get(threads) ?? [];
        console.log(
          `| ${inspected} | ${threads} | ${median(runs).toFixed(0)} ms | ${runs.map((t) => t.toFixed(0)).join(', ')} | ${loads.join(', ')} |`,
        );
      }
    }
  } finally {
    await Promise.all(clients.map(({ engine }) => engine.dispose()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
