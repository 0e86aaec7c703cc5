/**
 * The engine in a worker thread next to the engine in a child process, as the host sees
 * them, on the bundled model: the first inspection of a fresh engine (start, WASM compile,
 * model load, run), warm inspections of ~200 and ~400 tokens (the result's tensors cross the
 * boundary: moved between threads, copied between processes), and the inspection after the
 * engine was killed (SIGKILL to the process, `terminate()` of the thread): asked at once with
 * the fresh engine started on demand, and asked 3 s later (the time to read the message)
 * with the fresh engine started at the crash (`restartAfterCrash`, as the extension runs it).
 *
 *   node esbuild.mjs && npx tsx tools/bench/engineProcessBench.ts [--repeats N]
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
const { values } = parseArgs({ options: { repeats: { type: 'string' } } });
const repeats = Number(values.repeats ?? 3);
const modelDir = join(ROOT, BUNDLED_MODEL);
const options = { wasmDir: join(ROOT, 'dist', 'ort'), numThreads: 1 };
const LINE = 'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }\n';

const WAYS = {
  'worker thread (dist/engine.worker.js)': () => {
    const handle = startNodeWorker(join(ROOT, 'dist', 'engine.worker.js'), options);
    return { handle, kill: async () => void (await handle.worker.terminate()) };
  },
  'child process (dist/engine.process.js)': () => {
    const handle = startChildProcess(join(ROOT, 'dist', 'engine.process.js'), options);
    const closed = once(handle.child, 'close');
    return { handle, kill: async () => void (handle.child.kill('SIGKILL') && (await closed)) };
  },
};

/** Milliseconds of one inspection of `lines` lines, and its token count. */
async function timed(client: EngineClient, lines: number): Promise<[number, number]> {
  const started = performance.now();
  const result = await client.inspect({ modelDir, text: LINE.repeat(lines) }).result;
  return [performance.now() - started, result.tokens.length];
}

const median = (xs: number[]): string =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  console.log(`${modelDir}, median of ${repeats} (warm: of ${repeats * 3})`);
  const columns = ['cold', 'warm ~200 tok', 'warm ~400 tok', 'after a kill', 'restarted at once'];
  console.log(`| engine | ${columns.map((c) => `${c} ms`).join(' | ')} |`);
  console.log(`| --- |${' --- |'.repeat(columns.length)}`);
  let tokens: number[] = [];
  for (const [name, start] of Object.entries(WAYS)) {
    const times: number[][] = columns.map(() => []);
    for (let i = 0; i < repeats * 2; i++) {
      const restartAfterCrash = i % 2 === 1;
      let kill = async (): Promise<void> => undefined;
      const client = new EngineClient(
        () => {
          const started = start();
          kill = started.kill;
          return started.handle;
        },
        undefined,
        { surface: 'cli', restartAfterCrash },
      );
      if (!restartAfterCrash) times[0].push((await timed(client, 1))[0]);
      for (let warm = 0; warm < 3; warm++) {
        const [short, shortTokens] = await timed(client, 8);
        const [long, longTokens] = await timed(client, 16);
        times[1].push(short);
        times[2].push(long);
        tokens = [shortTokens, longTokens];
      }
      await kill();
      if (restartAfterCrash) await new Promise((done) => setTimeout(done, 3000));
      times[restartAfterCrash ? 4 : 3].push((await timed(client, 8))[0]);
      await client.dispose();
    }
    console.log(`| ${name} | ${times.map(median).join(' | ')} |`);
  }
  console.log(`warm runs: ${tokens.join(' and ')} tokens`);
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}

void main();
