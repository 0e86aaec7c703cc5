/**
 * One 512-token forward pass of the model in onnxruntime-web (WASM) in Node, timed. Each
 * thread count runs in a child process of its own, since ORT's WASM runtime is configured
 * once per process.
 *
 *   npx tsx tools/train/eval/bench.ts MODEL_DIR DATA_DIR THREADS     # the child
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readU16 } from './data';

export interface BenchResult {
  threads: number;
  tokens: number;
  medianMs: number;
  minMs: number;
  runs: number;
}

async function child(root: string, model: string, data: string, threads: number): Promise<void> {
  const ort = await import('onnxruntime-web');
  ort.env.wasm.wasmPaths = `${pathToFileURL(path.join(root, 'node_modules/onnxruntime-web/dist')).href}/`;
  ort.env.wasm.numThreads = threads;
  ort.env.logLevel = 'error';
  const manifest = JSON.parse(fs.readFileSync(path.join(model, 'manifest.json'), 'utf8'));
  const session = await ort.InferenceSession.create(
    fs.readFileSync(path.join(model, 'model.onnx')),
    {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    },
  );
  const test = readU16(path.join(data, 'test.bin'));
  const ids = [0, ...test.subarray(1000, 1000 + manifest.maxPositions - 1)];
  const input = new ort.Tensor('int64', BigInt64Array.from(ids.map((x) => BigInt(x))), [
    1,
    ids.length,
  ]);
  const times: number[] = [];
  for (let r = 0; r < 8; r++) {
    const t = performance.now();
    await session.run({ [manifest.inputs.inputIds]: input });
    if (r >= 2) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const result: BenchResult = {
    threads,
    tokens: ids.length,
    medianMs: times[Math.floor(times.length / 2)],
    minMs: times[0],
    runs: times.length,
  };
  console.log(JSON.stringify(result));
}

/** Times the model with 1 and 2 WASM threads. */
export function bench(model: string, data: string): BenchResult[] {
  return [1, 2].map((threads) => {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, __filename, model, data, String(threads)],
      { encoding: 'utf8' },
    );
    const line = out.trim().split('\n').pop() as string;
    console.log('bench', line);
    return JSON.parse(line) as BenchResult;
  });
}

if (require.main === module) {
  const [model, data, threads] = process.argv.slice(2);
  child(path.resolve(__dirname, '../../..'), model, data, Number(threads)).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
