/**
 * Cold engine benchmark, figures not assertions: the extension's engine process (EngineHost,
 * as the extension starts it) from its first request to a 200-token result, in fresh
 * processes: what a new window's first inspection pays in *to worker* + *model load* +
 * *forward pass*. `cold` starts nothing ahead; `runtime` lets the prewarm start the process
 * (onnxruntime compiles its WASM) `--wait` ms before; `model` also loads the bundled model and
 * runs it once, as `attentionInspector.prewarm` does (src/worker/enginePrewarm.ts). The modes
 * alternate, so load on the machine falls on each alike.
 *
 *   node esbuild.mjs --production && npx tsx tools/bench/coldEngineBench.ts [--repeats 5]
 *     [--wait 4000]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineHost } from '../../src/worker/engineHost';
import { EnginePrewarm } from '../../src/worker/enginePrewarm';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { repeats: { type: 'string' }, wait: { type: 'string' } },
});
const repeats = Number(values.repeats ?? 5);
const waitMs = Number(values.wait ?? 4000);
const modelDir = join(ROOT, 'models', 'mini-code-gpt');
const text = readFileSync(join(ROOT, 'tools/train/train.py'), 'utf8').slice(0, 700);
const MODES = ['cold', 'runtime', 'model'] as const;
type Mode = (typeof MODES)[number];

/** Milliseconds from the first request to the result, and what the engine says it spent. */
async function once(
  mode: Mode,
): Promise<{ totalMs: number; tokens: number; rssMiB: number; forwardMs: number }> {
  const host = new EngineHost(ROOT, () => 1);
  const prewarm = new EnginePrewarm({
    engine: () => host.engine,
    restart: () => host.restart(),
    warmModel: () => (mode === 'model' ? { modelDir } : undefined),
    log: () => undefined,
  });
  let rssMiB = 0;
  if (mode !== 'cold') {
    await prewarm.warm();
    await new Promise((done) => setTimeout(done, waitMs));
    rssMiB = processRssMiB(host);
  }
  const started = performance.now();
  prewarm.commandStarting();
  const { result } = host.engine.inspectHeld({ modelDir, text, topK: 5 });
  const { tokens, timings } = await result;
  const totalMs = performance.now() - started;
  await host.dispose();
  return { totalMs, tokens: tokens.length, rssMiB, forwardMs: timings.inferenceMs };
}

/** The engine process's resident memory (Linux), via the child the handle exposes. */
function processRssMiB(host: EngineHost): number {
  const live = (host.engine as unknown as { live?: { handle: { child?: { pid?: number } } } }).live;
  const pid = live?.handle.child?.pid;
  if (!pid) return 0;
  const kB = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kB ?? 0) / 1024;
}

const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const samples = new Map<Mode, Awaited<ReturnType<typeof once>>[]>(MODES.map((m) => [m, []]));
  const loadBefore = loadavg()[0];
  for (let i = 0; i < repeats; i++) {
    for (const mode of MODES) samples.get(mode)?.push(await once(mode));
  }
  console.log(`load average ${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)} on 2 cores`);
  for (const [mode, list] of samples) {
    const ms = list.map((s) => Math.round(s.totalMs));
    console.log(
      `${mode}: first request → result ${median(ms)} ms (median of ${list.length}: ${ms.join(', ')}), ` +
        `forward pass ${median(list.map((s) => Math.round(s.forwardMs)))} ms, ` +
        `${list[0]?.tokens} tokens${mode === 'cold' ? '' : `, engine RSS before it ${median(list.map((s) => s.rssMiB)).toFixed(0)} MiB`}`,
    );
  }
}

void main();
