/**
 * Memory over repeated inspections (issue 22, "memory flat over 50 inspections"): one engine,
 * started the way the extension starts it (`EngineHost`: dist/engine.worker.js, default
 * threads), inspects a different stretch of real source each time; every `--every`
 * inspections the resident memory of this process and its descendants (the engine's worker
 * thread or child process included) is printed as a JSON line, then once more after the
 * engine is disposed (what closing the last panel gives back). Results are dropped as soon as
 * they arrive: this measures what the engine keeps, not the panels.
 *
 *   node esbuild.mjs
 *   node --expose-gc --import tsx tools/bench/memoryFlatBench.ts [--model DIR] [--tokens N]
 *     [--inspections 50] [--every 10]
 * Without --model: the bundled model, texts of ~200 tokens (600 characters). With --tokens:
 * texts of exactly N tokens (scaleText.ts).
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUNDLED_MODEL } from '../../src/util/modelLocation';
import { EngineHost } from '../../src/worker/engineHost';
import { treeRss } from './processTreeRun';
import { benchTexts, engineSource } from './scaleText';

export interface MemoryPoint {
  /** Inspections done so far (0: before the engine started); -1 after it was disposed. */
  after: number;
  rssBytes: number;
  /** Milliseconds the last inspection took, as the host saw it. */
  lastMs: number;
  /** Tokens the last inspection ran (specials included). */
  tokens: number;
}

const ROOT = resolve(__dirname, '..', '..');
const CHARS = 600;

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string' },
    inspections: { type: 'string', default: '50' },
    every: { type: 'string', default: '10' },
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

async function main(): Promise<void> {
  const modelDir = resolve(values.model ?? join(ROOT, BUNDLED_MODEL));
  const source = engineSource(ROOT).text;
  const host = new EngineHost(ROOT, () => 0);
  const print = (point: MemoryPoint): void => {
    process.stdout.write(`${JSON.stringify(point)}\n`);
  };
  await settle();
  print({ after: 0, rssBytes: treeRss(process.pid), lastMs: 0, tokens: 0 });
  const every = Number(values.every);
  for (let i = 1; i <= Number(values.inspections); i++) {
    const text = textFor(i, source, modelDir);
    const started = performance.now();
    const { tokens } = await host.engine.inspect({
      modelDir,
      text,
      maxTokens: Number(values.tokens ?? 512),
    }).result;
    const lastMs = performance.now() - started;
    if (i === 1 || i % every === 0) {
      await settle();
      print({ after: i, rssBytes: treeRss(process.pid), lastMs, tokens: tokens.length });
    }
  }
  await host.dispose();
  await settle();
  print({ after: -1, rssBytes: treeRss(process.pid), lastMs: 0, tokens: 0 });
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
