/**
 * What a crash costs the next inspection, per way of running the engine: the first inspection
 * of a fresh engine (start, WASM compile, model load, run), a warm one, and the one after the
 * engine was killed (SIGKILL to the process, `terminate()` of the thread), on the bundled model.
 *
 *   node esbuild.mjs && npx tsx tools/bench/engineRestartBench.ts [--model DIR] [--repeats N]
 */
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL } from '../../src/util/modelLocation';
import { startChildProcess } from '../../src/worker/childProcessHandle';
import { EngineClient } from '../../src/worker/engineClient';
import { startNodeWorker } from '../../src/worker/nodeWorkerHandle';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { model: { type: 'string' }, repeats: { type: 'string' } },
});
const modelDir = resolve(values.model ?? join(ROOT, BUNDLED_MODEL));
const repeats = Number(values.repeats ?? 3);
const options = { wasmDir: join(ROOT, 'dist', 'ort'), numThreads: 1 };
const TEXT = 'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }\n'.repeat(6);

const WAYS = {
  'worker_threads (dist/engine.worker.js)': () => {
    const handle = startNodeWorker(join(ROOT, 'dist', 'engine.worker.js'), options);
    return { handle, kill: async () => void (await handle.worker.terminate()) };
  },
  'child process (dist/engine.process.js)': () => {
    const handle = startChildProcess(join(ROOT, 'dist', 'engine.process.js'), options);
    const closed = once(handle.child, 'close');
    return { handle, kill: async () => void (handle.child.kill('SIGKILL') && (await closed)) };
  },
};

async function timed(client: EngineClient): Promise<number> {
  const started = performance.now();
  await client.inspect({ modelDir, text: TEXT }).result;
  return performance.now() - started;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`${modelDir}, median of ${repeats}`);
  console.log('| engine | first inspection (cold) ms | warm ms | after a kill ms |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, start] of Object.entries(WAYS)) {
    const cold: number[] = [];
    const warm: number[] = [];
    const again: number[] = [];
    for (let i = 0; i < repeats; i++) {
      let kill = async (): Promise<void> => undefined;
      const client = new EngineClient(() => {
        const started = start();
        kill = started.kill;
        return started.handle;
      });
      cold.push(await timed(client));
      warm.push(await timed(client));
      await kill();
      again.push(await timed(client));
      await client.dispose();
    }
    console.log(
      `| ${name} | ${median(cold).toFixed(0)} | ${median(warm).toFixed(0)} | ${median(again).toFixed(0)} |`,
    );
  }
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}

void main();
