/**
 * Encoder-decoder inspections on the fixtures (onnxruntime-web WASM, 1 thread): a typed
 * target (encoder once, one decoder pass) against greedy decoding, which chooses each new
 * token with one step from the key/value cache and then makes one full pass for the
 * attention; next to it, the same greedy decoding with one full no-cache pass per token
 * (what runs when a folder has no cache graph). Figures, not assertions.
 *
 *   npx tsx tools/bench/seq2seqBench.ts [--repeats 3] [--model DIR]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { Seq2SeqModel } from '../../src/engine/inference/seq2seqModel';
import type { TargetRequest } from '../../src/engine/types';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: { repeats: { type: 'string', default: '3' }, model: { type: 'string' } },
});
/** The fixtures, or one folder (e.g. tools/bench/make_large_seq2seq.py's opus-mt-sized one). */
const FOLDERS = values.model
  ? [resolve(values.model)]
  : ['t5-small-tiny', 'opus-mt-tiny'].map((name) => join(ROOT, 'test', 'fixtures', 'hf', name));
const SOURCE = 'Hello world! The cat sat on the mat. A small model translates a short sentence.';
const TARGET = 'Die Katze saß auf der Matte. Ein kleines Modell übersetzt einen kurzen Satz.';

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'dist', 'ort')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const targets: [string, TargetRequest][] = [
    ['given target', { kind: 'given', text: TARGET }],
    ...[16, 32, 64].map((n): [string, TargetRequest] => [
      `greedy ${n}`,
      { kind: 'greedy', maxNewTokens: n },
    ]),
  ];
  console.log(
    '| fixture | target | source tokens | decoder tokens | inspection (median) | greedy from the cache + full pass | greedy with full passes + full pass |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  const noCancel = (): void => undefined;
  for (const dir of FOLDERS) {
    const name = basename(dir);
    await engine.inspect(dir, SOURCE); // load and warm up (the cache graph too)
    const model = await engine.loadAnyModel(dir);
    if (!(model instanceof Seq2SeqModel)) throw new Error(`${name} is not an encoder-decoder`);
    for (const [label, target] of targets) {
      const times = { inspect: [] as number[], cache: [] as number[], full: [] as number[] };
      let shape = { s: 0, t: 0 };
      for (let r = 0; r < Number(values.repeats); r++) {
        const result = await engine.inspect(dir, SOURCE, { target });
        times.inspect.push(result.timings.inferenceMs);
        shape = { s: result.tokens.length, t: result.seq2seq!.decoderTokens.length };
        if (target.kind !== 'greedy') continue;
        const source = await model.encode(result.tokens.map((token) => token.id));
        const max = target.maxNewTokens ?? 64;
        let start = performance.now();
        await model.greedy(source, max, noCancel);
        times.cache.push(performance.now() - start);
        start = performance.now();
        const { ids } = await model.greedyFullPasses(source, max, noCancel);
        await model.decode(source, ids);
        times.full.push(performance.now() - start);
      }
      const ms = (xs: number[]) => (xs.length ? `${median(xs).toFixed(0)} ms` : '');
      console.log(
        `| ${name} | ${label} | ${shape.s} | ${shape.t} | ${ms(times.inspect)} | ${ms(times.cache)} | ${ms(times.full)} |`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
