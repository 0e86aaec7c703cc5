/**
 * Next-token predictions next to the forward pass that produces their logits, in one
 * process (onnxruntime-web WASM, 1 thread), at 184 and 512 tokens. Figures, not assertions.
 *
 *   npx tsx tools/bench/predictionsBench.ts [--repeats 5]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { topPredictions } from '../../src/engine/inference/predictionGraph';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' } } });

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'dist', 'ort')).href, 1);
  const model = await new Engine(nodeModelFiles).loadModel(join(ROOT, 'models', 'mini-code-gpt'));
  console.log('| tokens | forward pass | top-5 predictions (Softmax + TopK in ORT) | share |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const n of [184, 512]) {
    const ids = Array.from({ length: n }, (_, i) => (i * 37) % model.info.vocabSize);
    const forward: number[] = [];
    const predictions: number[] = [];
    for (let r = 0; r <= Number(values.repeats); r++) {
      let t = performance.now();
      const { logits } = await model.runIds(ids);
      const f = performance.now() - t;
      t = performance.now();
      await topPredictions(logits!, n, 5, (id) => model.spell(id));
      if (r === 0) continue; // warm-up
      forward.push(f);
      predictions.push(performance.now() - t);
    }
    const [f, p] = [median(forward), median(predictions)];
    console.log(
      `| ${n} | ${f.toFixed(0)} ms | ${p.toFixed(0)} ms | ${((100 * p) / f).toFixed(0)}% |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
