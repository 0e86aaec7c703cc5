/**
 * What the views' questions cost through the engine worker (issue 22), one run, figures not
 * assertions: a held inspection of N tokens, then every layer's overview (two in flight, as
 * the panel asks), one head's full matrix (the matrix view), a layer's heads (mean, max, head
 * view) and the editor hover's rows (one head, a layer's mean, every layer's mean), each timed
 * from asking to the answer on the host, transfer included.
 *
 *   npx tsx tools/bench/viewQueriesBench.ts --model DIR [--tokens 512]
 * Needs `node esbuild.mjs` first (it runs the bundled worker).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RowReader } from '../../src/editor/rowReader';
import { EngineClient } from '../../src/worker/engineClient';
import { startNodeWorker } from '../../src/worker/nodeWorkerHandle';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { model: { type: 'string' }, tokens: { type: 'string' } },
});
const modelDir = resolve(values.model ?? join(ROOT, 'models', 'mini-code-gpt'));
const tokens = Number(values.tokens ?? 512);
const TEXT = readFileSync(join(ROOT, 'src', 'engine', 'engine.ts'), 'utf8').repeat(8);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const client = new EngineClient(() =>
    startNodeWorker(join(ROOT, 'dist', 'engine.worker.js'), {
      wasmDir: join(ROOT, 'dist', 'ort'),
      numThreads: 1,
    }),
  );
  try {
    const [held, runMs] = await timed(
      () => client.inspectHeld({ modelDir, text: TEXT, maxTokens: tokens }).result,
    );
    const [stack] = held.stacks;
    const { layers, heads, rows: n } = stack;
    const rows: string[] = [`| inspectHeld (load + run, ${n} tokens) | ${ms(runMs)} | — |`];
    // Overviews as the panel asks: two in flight, first layers first.
    let firstMs = 0;
    let next = 0;
    const start = performance.now();
    const lane = async (): Promise<void> => {
      while (next < layers) {
        const layer = next++;
        await client.overview(held.resultId, 'encoder', layer);
        if (layer === 0) firstMs = performance.now() - start;
      }
    };
    await Promise.all([lane(), lane()]);
    const allMs = performance.now() - start;
    const thumbBytes = heads * Math.min(n, 128) ** 2 * 4;
    rows.push(`| first layer overview | ${ms(firstMs)} | ${thumbBytes} B thumbnails |`);
    rows.push(`| all ${layers} overviews (2 in flight) | ${ms(allMs)} | |`);
    const [head, headMs] = await timed(() =>
      client.slice(held.resultId, { kind: 'encoder', layer: layers - 1, heads: [0] }),
    );
    rows.push(`| one head's matrix (matrix view) | ${ms(headMs)} | ${head.byteLength} B |`);
    const [layer, layerMs] = await timed(() =>
      client.slice(held.resultId, { kind: 'encoder', layer: layers - 1 }),
    );
    rows.push(
      `| a layer's heads (mean, max, head view) | ${ms(layerMs)} | ${layer.byteLength} B |`,
    );
    const reader = new RowReader(client);
    const query = n - 1;
    for (const [what, source] of [
      ['one head', { layer: 1, head: 2 }],
      ["a layer's mean", { layer: 1, head: null }],
      ['every layer and head', 'all'],
    ] as const) {
      const [, rowMs] = await timed(() => reader.row(held, query, source));
      const [, againMs] = await timed(() => reader.row(held, query, source));
      rows.push(`| hover row, ${what} | ${ms(rowMs)} (again: ${ms(againMs)}) | |`);
    }
    console.log(`model ${modelDir}, ${layers} layers × ${heads} heads, ${n} tokens, 1 thread`);
    console.log('| question | time | answer |\n| --- | ---: | ---: |');
    console.log(rows.join('\n'));
  } finally {
    await client.dispose();
  }
}

void main();
