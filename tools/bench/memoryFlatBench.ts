/**
 * Memory over repeated inspections (issue 22, "memory flat over 50 inspections; after closing
 * the panel the engine's memory returns"): one engine, started the way the extension starts
 * it (`EngineHost`: dist/engine.process.js, a child process, default threads), inspects a
 * different stretch of real source each time the way a panel does: `inspectHeld`, every
 * layer's overview (the model view's thumbnails), then the previous result released (a panel
 * showing a newer run lets the old one go). Every `--every` inspections the resident memory
 * of the engine process and of this process with it is printed as a JSON line; then once
 * after the last result is released (the panel closed: the engine keeps its model loaded for
 * the next run) and once after the engine is disposed. `--whole` takes the CLI's path
 * instead (`inspect`: every layer's attention shipped to this process and dropped).
 *
 *   node esbuild.mjs
 *   node --expose-gc --import tsx tools/bench/memoryFlatBench.ts [--model DIR] [--tokens N]
 *     [--inspections 50] [--every 10] [--whole] [--build DIR]
 * `--build DIR` runs the engine of another build (DIR/dist/engine.process.js), to compare.
 * Without --model: the bundled model, texts of ~200 tokens (600 characters). With --tokens:
 * texts of exactly N tokens (scaleText.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL } from '../../src/util/modelLocation';
import { EngineHost } from '../../src/worker/engineHost';
import { descendantsNamed, rssOf, treeRss } from './processTreeRun';
import { benchTexts, engineSource } from './scaleText';

export interface MemoryPoint {
  /**
   * Inspections done so far (0: before the engine started); -2 after the last result was
   * released (the panel closed); -1 after the engine was disposed.
   */
  after: number;
  /** This process and its descendants (the engine's process). */
  rssBytes: number;
  /** The engine's process alone (dist/engine.process.js). */
  engineRssBytes?: number;
  /**
   * Its anonymous memory (RssAnon): the file pages in RSS (node's binary, libraries) come and
   * go with the machine's other work.
   */
  engineAnonBytes?: number;
  /** What the engine process holds alive after a collection (engineMemoryProbe.cjs). */
  engineLive?: EngineLive;
  /** Milliseconds the last inspection took, as the host saw it. */
  lastMs: number;
  /** Tokens the last inspection ran (specials included). */
  tokens: number;
}

/** engineMemoryProbe.cjs's answer; live = heap used + ArrayBuffers + the WASM heap. */
export interface EngineLive {
  heapUsedBytes: number;
  heapTotalBytes: number;
  arrayBuffersBytes: number;
  wasmBytes: number;
}

const ROOT = resolve(__dirname, '..', '..');
const ENGINE_SCRIPT = 'engine.process.js';
const CHARS = 600;

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string' },
    inspections: { type: 'string', default: '50' },
    every: { type: 'string', default: '10' },
    whole: { type: 'boolean', default: false },
    build: { type: 'string' },
  },
});

const settle = async (): Promise<void> => {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  // Freed ArrayBuffers go back to the system from a background thread: give it a moment.
  await new Promise((r) => setTimeout(r, 500));
  gc();
};

function textFor(i: number, source: string, modelDir: string): string {
  // Different stretches of the source, so no run repeats the one before.
  const at = (i * 7919) % (source.length - 40_000);
  if (values.tokens === undefined) return source.slice(at, at + CHARS);
  return benchTexts(modelDir, source.slice(at), [Number(values.tokens)])[0].text;
}

/** One inspection the way a panel makes it; resolves with its tokens and result id. */
async function inspectOnce(
  host: EngineHost,
  modelDir: string,
  text: string,
): Promise<{ tokens: number; resultId?: number }> {
  const request = { modelDir, text, maxTokens: Number(values.tokens ?? 512) };
  if (values.whole) return { tokens: (await host.engine.inspect(request).result).tokens.length };
  const held = await host.engine.inspectHeld(request).result;
  for (const stack of held.stacks) {
    for (let layer = 0; layer < stack.layers; layer++) {
      await host.engine.overview(held.resultId, stack.kind, layer);
    }
  }
  return { tokens: held.tokens.length, resultId: held.resultId };
}

/** Asks each engine process for what it holds alive (engineMemoryProbe.cjs). */
async function probeEngine(dir: string, pids: number[]): Promise<EngineLive | undefined> {
  const answers = pids.map((pid) => join(dir, `${pid}.json`));
  for (const file of answers) rmSync(file, { force: true });
  for (const pid of pids) process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 5000 && !answers.every(existsSync); waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
  }
  if (pids.length === 0 || !answers.every(existsSync)) return undefined;
  const each = answers.map((file) => JSON.parse(readFileSync(file, 'utf8')) as EngineLive);
  const sum = (key: keyof EngineLive) => each.reduce((total, e) => total + e[key], 0);
  return {
    heapUsedBytes: sum('heapUsedBytes'),
    heapTotalBytes: sum('heapTotalBytes'),
    arrayBuffersBytes: sum('arrayBuffersBytes'),
    wasmBytes: sum('wasmBytes'),
  };
}

async function main(): Promise<void> {
  // The engine process inherits these: the probe answers SIGUSR2 there (and nowhere else).
  const probeDir = mkdtempSync(join(tmpdir(), 'ai-memprobe-'));
  process.env.ENGINE_MEMORY_PROBE_DIR = probeDir;
  process.env.NODE_OPTIONS = [
    process.env.NODE_OPTIONS ?? '',
    '--expose-gc',
    `--require ${join(__dirname, 'engineMemoryProbe.cjs')}`,
  ].join(' ');
  const modelDir = resolve(values.model ?? join(ROOT, BUNDLED_MODEL));
  const source = engineSource(ROOT).text;
  const host = new EngineHost(resolve(values.build ?? ROOT), () => 0);
  const print = async (after: number, lastMs: number, tokens: number): Promise<void> => {
    await settle();
    const engines = descendantsNamed(process.pid, ENGINE_SCRIPT);
    const engineLive = await probeEngine(probeDir, engines);
    const point: MemoryPoint = {
      after,
      rssBytes: treeRss(process.pid),
      engineRssBytes: rssOf(engines),
      engineAnonBytes: rssOf(engines, 'RssAnon'),
      ...(engineLive ? { engineLive } : {}),
      lastMs,
      tokens,
    };
    process.stdout.write(`${JSON.stringify(point)}\n`);
  };
  await print(0, 0, 0);
  const every = Number(values.every);
  let shown: number | undefined;
  for (let i = 1; i <= Number(values.inspections); i++) {
    const text = textFor(i, source, modelDir);
    const started = performance.now();
    const { tokens, resultId } = await inspectOnce(host, modelDir, text);
    if (shown !== undefined) await host.engine.release(shown);
    shown = resultId;
    const lastMs = performance.now() - started;
    if (i === 1 || i % every === 0) await print(i, lastMs, tokens);
  }
  if (shown !== undefined) await host.engine.release(shown);
  await print(-2, 0, 0);
  await host.dispose();
  await print(-1, 0, 0);
  rmSync(probeDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
