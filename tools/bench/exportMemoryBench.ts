/**
 * What the export itself costs in memory (issue 22, "Streaming export" in docs/performance.md).
 * The engine runs in this process and holds one inspection (`inspectHeld`); the streamed
 * export then writes it to a file, asking for a layer at a time, while the resident set is
 * sampled at every chunk. Then, for comparison (`--old`), the writer the extension had
 * before: the host held the whole result's tensors and gathered the whole document as bytes
 * before one `writeFile` (reproduced here with the tests' reference writer).
 *
 *   node --expose-gc --import tsx tools/bench/exportMemoryBench.ts --model DIR [--tokens 512] \
 *     [--layers 0,1,2] [--old]
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { type AttentionSlicer, streamAttentionJson } from '../../src/engine/export/attentionJson';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import type { InspectResult } from '../../src/engine/types';
import { longSource } from '../../test/e2e/harness/longSource';
import { attentionJsonChunks } from '../../test/unit/export/referenceAttentionJson';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string', default: '512' },
    layers: { type: 'string' },
    old: { type: 'boolean', default: false },
  },
});
if (!values.model) throw new Error('Give --model DIR (e.g. /work/bench-cache/smollm-like).');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const MB = 1 << 20;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MiB`;

/** The peak resident set since `reset`. */
class Peaks {
  rss = 0;
  reset(): void {
    gc();
    this.rss = 0;
    this.sample();
  }
  sample(): void {
    this.rss = Math.max(this.rss, process.memoryUsage.rss());
  }
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const text = longSource().repeat(Math.ceil(Number(values.tokens) / 512));
  const modelDir = resolve(values.model as string);
  let start = performance.now();
  const held = await engine.inspectHeld(modelDir, text, { maxTokens: Number(values.tokens) });
  console.log(
    `inspected ${held.tokens.length} tokens in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
  const options = values.layers ? { layers: values.layers.split(',').map(Number) } : {};
  const slice: AttentionSlicer = (kind, layer, heads) =>
    engine.slice(held.resultId, { kind, layer, heads });
  const dir = mkdtempSync(join(tmpdir(), 'export-memory-'));
  const peaks = new Peaks();
  try {
    peaks.reset();
    const base = { rss: process.memoryUsage.rss() };
    const load = loadavg().map((x) => x.toFixed(1));
    start = performance.now();
    const stream = createWriteStream(join(dir, 'streamed.json'), { highWaterMark: MB });
    await streamAttentionJson(
      held,
      slice,
      async (chunk) => {
        peaks.sample();
        if (!stream.write(chunk)) await once(stream, 'drain');
      },
      options,
    );
    stream.end();
    await once(stream, 'finish');
    console.log(
      `streamed: ${mb(stream.bytesWritten)} of JSON in ${((performance.now() - start) / 1000).toFixed(1)} s ` +
        `(load before ${load.join(' ')}); peak RSS over the held result +${mb(peaks.rss - base.rss)}`,
    );
    if (!values.old) return;
    // Before issue 22 the host held every layer (the worker transferred them) ...
    const attentions: Float32Array[] = [];
    for (let layer = 0; layer < held.model.layers; layer++) {
      attentions.push(await slice('encoder', layer, [...Array(held.model.heads).keys()]));
    }
    const whole = { ...held, attentions } as unknown as InspectResult;
    peaks.reset();
    const before = { rss: process.memoryUsage.rss() };
    start = performance.now();
    // ... and gathered the document as bytes (chunks, then one array) for one writeFile.
    const encoder = new TextEncoder();
    const parts: Uint8Array[] = [];
    let size = 0;
    for (const chunk of attentionJsonChunks(whole, options)) {
      const part = encoder.encode(chunk);
      parts.push(part);
      size += part.byteLength;
      peaks.sample();
    }
    const document = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      document.set(part, at);
      at += part.byteLength;
    }
    peaks.sample();
    const tensors = attentions.reduce((sum, a) => sum + a.byteLength, 0);
    console.log(
      `the old extension writer: ${mb(document.byteLength)} in ${((performance.now() - start) / 1000).toFixed(1)} s; ` +
        `the tensors in the host ${mb(tensors)}, then peak RSS +${mb(peaks.rss - before.rss)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
