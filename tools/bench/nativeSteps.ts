/**
 * onnxruntime-node stepping a decoder the way the engine does (continuationBench.ts), and the
 * engine's own step mechanics (its generation graph and feeds, onnxruntime-web) alternating
 * with it token by token: on a machine shared with others, two runs minutes apart see
 * different loads, two steps a millisecond apart the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type * as ort from 'onnxruntime-web';
import { readGenerationGraph } from '../../src/engine/folder/generationGraph';
import type { LoadedModelFolder } from '../../src/engine/folder/loadModelFolder';
import type { ModelFiles } from '../../src/engine/folder/modelFiles';
import {
  cacheOutputs,
  type DecoderCache,
  keepCache,
} from '../../src/engine/inference/decoderCache';
import { cacheStepFeeds } from '../../src/engine/inference/decoderGeneration';
import { makeFeeds } from '../../src/engine/inference/graphFeeds';
import { createSession } from '../../src/engine/inference/ortRuntime';

export interface NativeSession {
  session: ortNode.InferenceSession;
  /** Every past input, empty. */
  emptyPast: Record<string, ortNode.Tensor>;
}

/** onnxruntime-node on the graph the engine generates with (the manifest's generationGraph). */
export async function nativeSession(dir: string, threads: number): Promise<NativeSession> {
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
  const emptyPast: Record<string, ortNode.Tensor> = {};
  for (const name of session.inputNames.filter((i) => i.startsWith('past_key_values'))) {
    const [kvHeads, headDim] = pastDims(name);
    emptyPast[name] = new ortNode.Tensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
  }
  return { session, emptyPast };
}

const int64 = (xs: number[]) =>
  new ortNode.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);

/** One prompt pass, then one step per token: each pass's milliseconds. */
export async function nativeRound(
  { session, emptyPast }: NativeSession,
  ids: number[],
  n: number,
  cached: boolean,
): Promise<number[]> {
  let past = emptyPast;
  const times: number[] = [];
  for (let at = n; at <= ids.length; at++) {
    const feeds = { ...nativeFeeds({ session, emptyPast }, ids, n, at, cached), ...past };
    const started = performance.now();
    const outputs = await session.run(feeds);
    times.push(performance.now() - started);
    if (cached) past = nextPast(outputs);
  }
  return times;
}

/** The feeds of the pass that predicts token `at`: the empty past, to be replaced when cached. */
function nativeFeeds(
  { session, emptyPast }: NativeSession,
  ids: number[],
  n: number,
  at: number,
  cached: boolean,
): Record<string, ortNode.Tensor> {
  const input = cached && at > n ? [ids[at - 1]!] : ids.slice(0, at);
  const feeds: Record<string, ortNode.Tensor> = { input_ids: int64(input), ...emptyPast };
  if (session.inputNames.includes('attention_mask'))
    feeds.attention_mask = int64(new Array<number>(at).fill(1));
  if (session.inputNames.includes('position_ids'))
    feeds.position_ids = int64(input.map((_, i) => at - input.length + i));
  return feeds;
}

/**
 * `rounds` continuations of `ids` (prompt `n`), each step timed once in the engine's
 * generation session (onnxruntime-web, the engine's feeds and cache) and once in
 * onnxruntime-node, in turn; the first round warms both and is not counted.
 */
export async function alternateSteps(
  files: ModelFiles,
  folder: Pick<LoadedModelFolder, 'label' | 'graphFile' | 'feeds' | 'logitsOutput' | 'manifest'>,
  native: NativeSession,
  ids: number[],
  n: number,
  rounds: number,
): Promise<{ web: number[]; node: number[] }> {
  const graph = await readGenerationGraph(files, folder);
  const session = await createSession(graph.bytes, graph.externalData, graph.graphFile);
  const fetches = [folder.logitsOutput ?? 'logits', ...cacheOutputs(session.outputNames)];
  const web: number[] = [];
  const node: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    const cache: DecoderCache = new Map();
    keepCache(cache, await session.run(makeFeeds(graph.feeds, ids.slice(0, n)), fetches), true);
    let past = nextPast(await native.session.run(nativeFeeds(native, ids, n, n, true)));
    for (let at = n + 1; at <= ids.length; at++) {
      const feeds = cacheStepFeeds(graph.feeds, cache, ids.slice(0, at))!;
      let started = performance.now();
      const outputs: Record<string, ort.Tensor> = await session.run(feeds, fetches);
      const webMs = performance.now() - started;
      keepCache(cache, outputs, true);
      const nativeIn = { ...nativeFeeds(native, ids, n, at, true), ...past };
      started = performance.now();
      past = nextPast(await native.session.run(nativeIn));
      if (round > 0) {
        web.push(webMs);
        node.push(performance.now() - started);
      }
    }
  }
  await session.release();
  return { web, node };
}

function nextPast(
  outputs: ortNode.InferenceSession.OnnxValueMapType,
): Record<string, ortNode.Tensor> {
  const past: Record<string, ortNode.Tensor> = {};
  for (const [name, tensor] of Object.entries(outputs))
    if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = tensor;
  return past;
}
