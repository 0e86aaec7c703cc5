/**
 * Continuations (issue 23): per generated token, the engine (onnxruntime-web WASM, from the
 * key/value cache where the graph has past inputs, else a full pass per token) against
 * onnxruntime-node stepping the same graph (the manifest's generationGraph where it names
 * one) over the same ids the same way; the first token against a plain inspection's forward
 * pass over the prompt. Both sides warm up with one continuation, then report medians over
 * ROUNDS more. Figures, not assertions.
 *
 *   npx tsx tools/bench/continuationBench.ts [--model DIR] [--tokens 32] [--threads 1]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as ortNode from 'onnxruntime-node';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';

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
const ROUNDS = 3;
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
  // code again once it runs often: a cold step is several times slower); then ROUNDS runs.
  await engine.inspectHeld(dir, prompt, { generate: { maxNewTokens } });
  const stepMs: number[] = [];
  const firstMs: number[] = [];
  const forwards: number[] = [];
  let result = await engine.inspectHeld(dir, prompt);
  for (let round = 0; round < ROUNDS; round++) {
    engine.release(result.resultId);
    result = await engine.inspectHeld(dir, prompt, { generate: { maxNewTokens } });
    stepMs.push(...result.generation!.stepMs);
    firstMs.push(result.generation!.firstTokenMs);
    const again = await engine.inspectHeld(dir, prompt);
    forwards.push(again.timings.inferenceMs);
    engine.release(again.resultId);
  }
  const generation = result.generation!;
  const ids = result.tokens.map((t) => t.id);
  const n = generation.promptTokens;
  const forwardMs = median(forwards);
  await engine.evict();
  const native = await nativeSteps(dir, ids, n, generation.steppedWith === 'cache', threads);
  const web = median(stepMs);
  const first = median(firstMs);
  console.log(`model ${dir}; ${threads} thread(s); load average ${load()}`);
  console.log(
    `prompt ${n} tokens, ${generation.generated.length} generated (${generation.steppedWith})`,
  );
  console.log(
    `| per token, median (web) | per token, median (onnxruntime-node) | ratio | first token (web) | forward over the prompt (inspection, web) | one step (web) |`,
  );
  console.log(
    `| ${web.toFixed(1)} ms | ${native.step.toFixed(1)} ms | ${(web / native.step).toFixed(2)}× | ${first.toFixed(0)} ms | ${forwardMs.toFixed(0)} ms | ${web.toFixed(1)} ms |`,
  );
  console.log(`onnxruntime-node prompt pass ${native.first.toFixed(0)} ms`);
}

/** onnxruntime-node over the same ids: a prompt pass, then one step per token. */
async function nativeSteps(
  dir: string,
  ids: number[],
  n: number,
  cached: boolean,
  threads: number,
): Promise<{ first: number; step: number }> {
  // The graph the engine generates with: the manifest's generationGraph where it names one.
  const manifestFile = join(dir, 'manifest.json');
  const declared = existsSync(manifestFile)
    ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { generationGraph?: string })
        .generationGraph
    : undefined;
  const graph = [
    ...(declared ? [join(dir, declared)] : []),
    join(dir, 'onnx', 'model.onnx'),
    join(dir, 'model.onnx'),
  ].find(existsSync)!;
  const session = await ortNode.InferenceSession.create(graph, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  const configFile = join(dir, 'config.json');
  const config = (
    existsSync(configFile) ? JSON.parse(readFileSync(configFile, 'utf8')) : {}
  ) as Record<string, number>;
  const int64 = (xs: number[]) =>
    new ortNode.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
  // A past input's fixed dims (the bundled model's), else config.json's.
  const pastDims = (name: string): [number, number] => {
    const meta = session.inputMetadata?.find((m) => m.name === name);
    const shape = meta && 'shape' in meta ? meta.shape : [];
    const fixed = (i: number) => (typeof shape[i] === 'number' ? (shape[i] as number) : 0);
    const kvHeads = config.num_key_value_heads ?? config.num_attention_heads ?? 1;
    const headDim =
      config.head_dim ?? (config.hidden_size ?? 0) / (config.num_attention_heads ?? 1);
    return [fixed(1) || kvHeads, fixed(3) || headDim];
  };
  const past: Record<string, ortNode.Tensor> = {};
  for (const name of session.inputNames.filter((i) => i.startsWith('past_key_values'))) {
    const [kvHeads, headDim] = pastDims(name);
    past[name] = new ortNode.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
  }
  const firsts: number[] = [];
  const times: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const took = await nativeRound(session, ids, n, cached, past, int64);
    // Round 0 warms the session, as the engine's first continuation does.
    if (round > 0) {
      firsts.push(took[0]!);
      times.push(...took.slice(1));
    }
  }
  await session.release();
  return { first: median(firsts), step: median(times) };
}

/** One prompt pass, then one step per token: each pass's milliseconds. */
async function nativeRound(
  session: ortNode.InferenceSession,
  ids: number[],
  n: number,
  cached: boolean,
  emptyPast: Record<string, ortNode.Tensor>,
  int64: (xs: number[]) => ortNode.Tensor,
): Promise<number[]> {
  let past = emptyPast;
  const times: number[] = [];
  for (let at = n; at <= ids.length; at++) {
    const input = cached && at > n ? [ids[at - 1]!] : ids.slice(0, at);
    const feeds: Record<string, ortNode.Tensor> = { input_ids: int64(input), ...past };
    if (session.inputNames.includes('attention_mask'))
      feeds.attention_mask = int64(new Array<number>(at).fill(1));
    if (session.inputNames.includes('position_ids'))
      feeds.position_ids = int64(input.map((_, i) => at - input.length + i));
    const started = performance.now();
    const outputs = await session.run(feeds);
    times.push(performance.now() - started);
    if (cached) {
      past = {};
      for (const [name, tensor] of Object.entries(outputs))
        if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = tensor;
    }
  }
  return times;
}

void main();
