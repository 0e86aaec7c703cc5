/**
 * What the matrix view's asks for a long head cost in the engine (issue 22): the zoomed-out
 * picture (block maxima, at most 512 a side), one 128 × 128 tile, one row, against the whole
 * head the view used to ask for; time and bytes, on the SmolLM2-shaped model. Prints a table
 * (docs/decisions.md quotes it). With `--across mean|max`, the same asks of the mean or max
 * over layer 7's heads (`acrossHeads`) against the whole layer the view used to ask for.
 * Run alone on an idle machine:
 *   npx tsx tools/bench/tileBench.ts [--model DIR] [--sizes 1024,2048] [--across mean]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import type { AttentionSliceRequest } from '../../src/engine/types';
import { benchTexts, engineSource } from './scaleText';

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const model = flag('--model') ?? process.env.SCALE_BENCH_MODEL ?? '/work/bench-cache/smollm-like';
const sizes = (flag('--sizes') ?? '1024,2048').split(',').map(Number);
const across = flag('--across') as 'mean' | 'max' | undefined;

async function main(): Promise<void> {
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  await engine.loadModel(model);
  const source = engineSource(ROOT).text;
  console.log('| tokens | ask | ms (median of 3) | KiB |');
  console.log('| ---: | --- | ---: | ---: |');
  for (const { tokens, text } of benchTexts(model, source, sizes)) {
    const { resultId, stacks } = await engine.inspectHeld(model, text, { maxTokens: tokens });
    const n = stacks[0].rows;
    const block = Math.ceil(n / 512);
    const base: AttentionSliceRequest = across
      ? { kind: 'encoder', layer: 7, acrossHeads: across }
      : { kind: 'encoder', layer: 7, heads: [4] };
    const asks: [string, AttentionSliceRequest][] = [
      across ? ['whole layer (every head)', { kind: 'encoder', layer: 7 }] : ['whole head', base],
      [
        `picture (block ${block}, max)`,
        { ...base, rows: { start: 0, end: n }, block, reduce: 'max' },
      ],
      [
        'tile 128 × 128',
        { ...base, rows: { start: n - 128, end: n }, cols: { start: 0, end: 128 } },
      ],
      ['one row', { ...base, rows: [n - 1] }],
    ];
    for (const [what, request] of asks) {
      const times: number[] = [];
      let bytes = 0;
      for (let k = 0; k < 3; k++) {
        const start = performance.now();
        bytes = (await engine.slice(resultId, request)).byteLength;
        times.push(performance.now() - start);
      }
      const ms = times.sort((a, b) => a - b)[1];
      console.log(`| ${n} | ${what} | ${ms.toFixed(1)} | ${Math.round(bytes / 1024)} |`);
    }
    engine.release(resultId);
  }
  console.log(
    `load average at end: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
