/**
 * Continuations (issue 23): per generated token, the engine (onnxruntime-web WASM, from the
 * key/value cache where the graph has past inputs, else a full pass per token) against
 * onnxruntime-node stepping the same graph (the manifest's generationGraph where it names
 * one) over the same ids the same way; the first token against a plain inspection's forward
 * pass over the prompt. Both sides warm up with one continuation, then report medians over
 * ROUNDS (5) more, web and native in turn. Figures, not assertions.
 *
 *   npx tsx tools/bench/continuationBench.ts [--model DIR] [--tokens 32] [--threads 1]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { alternateSteps, nativeRound, nativeSession } from './nativeSteps';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(ROOT, 'models', 'mini-code-gpt') },
    tokens: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
  },
});
const PROMPT = readFileSync(join(ROOT, 'src', 'engine', 'inference', 'seededRandom.ts'), 'utf8')
  .split('\n')
  .slice(10, 22)
  .join('\n');

/** Measured continuations after the warm-up one (medians over all of them). */
const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');

async function main(): Promise<void> {
  const dir = resolve(values.model);
  const threads = Number(values.threads);
  configureOrt(pathToFileURL(join(ROOT, 'dist', 'ort')).href, threads);
  const engine = new Engine(nodeModelFiles);
  const maxNewTokens = Number(values.tokens);
  // A prompt of 63 tokens (the first 63 the text gives; the same text for every model).
  const plain = await engine.inspectHeld(dir, PROMPT, { maxTokens: 63 });
  engine.release(plain.resultId);
  const prompt = PROMPT.slice(0, plain.tokens.at(-1)!.end);
  // The first continuation opens the generation session and warms WASM (V8 compiles hot
  // code again once it runs often: a cold step is several times slower); onnxruntime-node
  // warms with one round too. Then ROUNDS rounds alternate web and native, so that both
  // sides see the same load on a shared machine.
  const warm = await engine.inspectHeld(dir, prompt, { generate: { maxNewTokens } });
  engine.release(warm.resultId);
  const generation = warm.generation!;
  const ids = warm.tokens.map((t) => t.id);
  const n = generation.promptTokens;
  const cached = generation.steppedWith === 'cache';
  const native = await nativeSession(dir, threads);
  await nativeRound(native, ids, n, cached);
  const web = { steps: [] as number[], firsts: [] as number[], forwards: [] as number[] };
  const node = { steps: [] as number[], firsts: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const result = await engine.inspectHeld(dir, prompt, { generate: { maxNewTokens } });
    engine.release(result.resultId);
    web.steps.push(...result.generation!.stepMs);
    web.firsts.push(result.generation!.firstTokenMs);
    const took = await nativeRound(native, ids, n, cached);
    node.firsts.push(took[0]!);
    node.steps.push(...took.slice(1));
    const again = await engine.inspectHeld(dir, prompt);
    web.forwards.push(again.timings.inferenceMs);
    engine.release(again.resultId);
  }
  // The engine's steps and onnxruntime-node's, token by token in turn (same load).
  const alternated = cached
    ? await alternateSteps(
        nodeModelFiles(dir),
        (await engine.loadModel(dir)).folder,
        native,
        ids,
        n,
        ROUNDS,
      )
    : undefined;
  await native.session.release();
  const step = median(web.steps);
  const nativeStep = median(node.steps);
  console.log(`model ${dir}; ${threads} thread(s); load average ${load()}`);
  console.log(
    `prompt ${n} tokens, ${generation.generated.length} generated (${generation.steppedWith})`,
  );
  console.log(
    `| per token, median (web) | per token, median (onnxruntime-node) | ratio | first token (web) | forward over the prompt (inspection, web) | one step (web) |`,
  );
  console.log(
    `| ${step.toFixed(1)} ms | ${nativeStep.toFixed(1)} ms | ${(step / nativeStep).toFixed(2)}× | ${median(web.firsts).toFixed(0)} ms | ${median(web.forwards).toFixed(0)} ms | ${step.toFixed(1)} ms |`,
  );
  console.log(`onnxruntime-node prompt pass ${median(node.firsts).toFixed(0)} ms`);
  if (alternated) {
    const [w, o] = [median(alternated.web), median(alternated.node)];
    console.log(
      `steps in turn, median of ${alternated.web.length}: web ${w.toFixed(2)} ms, onnxruntime-node ${o.toFixed(2)} ms, ratio ${(w / o).toFixed(2)}×; load average ${load()}`,
    );
  }
}

void main();
