/**
 * Encoder-decoder inspections on the fixtures (onnxruntime-web WASM, 1 thread): a typed
 * target (encoder once, one decoder pass) against greedy decoding, which reruns the whole
 * no-cache decoder for each new token and once more for the attention. Figures, not
 * assertions.
 *
 *   npx tsx tools/bench/seq2seqBench.ts [--repeats 3]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import type { TargetRequest } from '../../src/engine/types';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' } } });
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
    '| fixture | target | source tokens | decoder tokens | decoder passes | inference (median) | per pass |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const name of ['t5-small-tiny', 'opus-mt-tiny']) {
    const dir = join(ROOT, 'test', 'fixtures', 'hf', name);
    await engine.inspect(dir, SOURCE); // load and warm up
    for (const [label, target] of targets) {
      const times: number[] = [];
      let shape = { s: 0, t: 0, passes: 0 };
      for (let r = 0; r < Number(values.repeats); r++) {
        const result = await engine.inspect(dir, SOURCE, { target });
        times.push(result.timings.inferenceMs);
        const t = result.seq2seq!.decoderTokens.length;
        shape = { s: result.tokens.length, t, passes: target.kind === 'given' ? 1 : t };
      }
      const ms = median(times);
      console.log(
        `| ${name} | ${label} | ${shape.s} | ${shape.t} | ${shape.passes} | ${ms.toFixed(0)} ms | ${(ms / shape.passes).toFixed(1)} ms |`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
