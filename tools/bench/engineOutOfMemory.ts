/**
 * A real out-of-memory, as the extension host meets it: a 2,048-token inspection of the
 * SmolLM2-135M-shaped model (tools/bench/make_smollm_like.py) exhausts the engine's WASM heap
 * (issue 22: `std::bad_alloc` after ~26 s). Run in the child process the extension uses;
 * prints the message, how long until it came, the host's own memory meanwhile, and the
 * small inspection after it (the restarted engine).
 *
 *   node esbuild.mjs && npx tsx tools/bench/engineOutOfMemory.ts --model DIR [--tokens N]
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL } from '../../src/util/modelLocation';
import { startChildProcess } from '../../src/worker/childProcessHandle';
import { EngineClient } from '../../src/worker/engineClient';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { model: { type: 'string' }, tokens: { type: 'string' } },
});
if (!values.model) throw new Error('--model DIR (the folder make_smollm_like.py wrote)');
const modelDir = resolve(values.model);
const tokens = Number(values.tokens ?? 2048);
const options = { wasmDir: join(ROOT, 'dist', 'ort'), numThreads: 1 };
const LINE = 'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }\n';

async function main(): Promise<void> {
  console.log(
    `load average before: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
  const client = new EngineClient(
    () => startChildProcess(join(ROOT, 'dist', 'engine.process.js'), options),
    undefined,
    { surface: 'extension', restartAfterCrash: true },
  );
  let hostPeak = 0;
  const sampler = setInterval(
    () => (hostPeak = Math.max(hostPeak, process.memoryUsage().rss)),
    200,
  );
  const started = performance.now();
  try {
    const result = await client.inspect({ modelDir, text: LINE.repeat(tokens), maxTokens: tokens })
      .result;
    console.log(
      `no failure: ${result.tokens.length} tokens in ${(performance.now() - started) / 1000} s`,
    );
  } catch (error) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`failed after ${seconds} s, host peak RSS ${(hostPeak / 2 ** 20).toFixed(0)} MiB:`);
    console.log(`  ${(error as Error & { code?: string }).code}: ${(error as Error).message}`);
  }
  clearInterval(sampler);
  const again = performance.now();
  const next = await client.inspect({ modelDir: join(ROOT, BUNDLED_MODEL), text: 'x = f(y)' })
    .result;
  console.log(
    `next inspection (bundled model, ${next.tokens.length} tokens): ${(performance.now() - again).toFixed(0)} ms`,
  );
  await client.dispose();
  console.log(
    `load average after: ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}`,
  );
}

void main();
