/**
 * onnxruntime-web, configured once per thread: the WASM backend (SIMD build), its runtime
 * files loaded from our own dist/ort/ (never from a CDN), and the thread count.
 */
import * as ort from 'onnxruntime-web';
import { enterStage } from '../stage';

/**
 * Threads when a caller passes 0 undecided. The extension and the CLI decide "auto" before
 * the worker starts, from the model (src/worker/threadChoice.ts, docs/performance.md).
 */
export const DEFAULT_THREADS = 1;

let configured: { wasmDir: string; numThreads: number } | undefined;

/**
 * `wasmDir` is a URL prefix ending in '/' (a `file://` URL in Node, an extension resource
 * URL in a browser) where `ort-wasm-simd-threaded.{mjs,wasm}` live.
 */
export function configureOrt(wasmDir: string, numThreads: number): number {
  const threads = numThreads > 0 ? numThreads : DEFAULT_THREADS;
  if (configured && (configured.wasmDir !== wasmDir || configured.numThreads !== threads)) {
    // ORT initialises its WASM module once per thread; later changes would be ignored.
    throw new Error('onnxruntime-web is already configured differently in this thread.');
  }
  ort.env.wasm.wasmPaths = wasmDir.endsWith('/') ? wasmDir : `${wasmDir}/`;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  configured = { wasmDir, numThreads: threads };
  return threads;
}

/**
 * Sessions are created one at a time: onnxruntime-web mounts every session's external data
 * in one map keyed by location, and each creation clears the whole map when it ends. Two
 * at once would read each other's `model.onnx` (graph/sessionGraph.ts hands every edited
 * graph's own file over by that name) or find their weights gone.
 */
let creating: Promise<unknown> = Promise.resolve();

/**
 * Creates a session on the WASM backend from (possibly edited) model bytes and the
 * external-data files the graph names (`path` = the location written in the graph).
 * `graph` names the file in the stages the host's watchdog sees (src/engine/stage.ts).
 */
export async function createSession(
  onnxBytes: Uint8Array,
  externalData: readonly { path: string; data: Uint8Array }[] = [],
  graph = 'the ONNX graph',
): Promise<ort.InferenceSession> {
  const modelBytes = externalData.reduce(
    (sum, file) => sum + file.data.byteLength,
    onnxBytes.byteLength,
  );
  const created = creating.then(() => {
    enterStage({ label: `${graph}: loading into ONNX Runtime`, kind: 'load', modelBytes });
    return ort.InferenceSession.create(onnxBytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      ...(externalData.length > 0 ? { externalData: [...externalData] } : {}),
    });
  });
  creating = created.catch(() => undefined);
  return announcingRuns(await created, graph, modelBytes);
}

/**
 * Every run is announced first: a graph (a huge Loop) can hold the thread for ever. A function
 * of its own, not a closure inside `createSession`: V8 gives all closures of one scope a shared
 * context, so a wrapper made there kept `onnxBytes` and `externalData` (the whole model file,
 * 622 MiB for a 135M-parameter model) alive as long as the session, next to the WASM heap's
 * copy (docs/performance.md, memory after the panel closes).
 */
function announcingRuns(
  session: ort.InferenceSession,
  graph: string,
  modelBytes: number,
): ort.InferenceSession {
  const run = session.run.bind(session);
  session.run = ((feeds: ort.InferenceSession.FeedsType, ...rest: never[]) => {
    const tokens = longestFeed(feeds);
    enterStage({ label: `${graph}: running on ${tokens} tokens`, kind: 'run', modelBytes, tokens });
    return (run as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>)(
      feeds,
      ...rest,
    );
  }) as typeof session.run;
  return session;
}

/** The tokens a run covers: the longest `[1, n]` integer feed (ids, mask, positions). */
function longestFeed(feeds: ort.InferenceSession.FeedsType): number {
  let longest = 0;
  for (const tensor of Object.values(feeds)) {
    const dims = tensor.dims;
    if (dims.length === 2 && (tensor.type === 'int64' || tensor.type === 'int32'))
      longest = Math.max(longest, Number(dims[1]));
  }
  return longest;
}

/** An int64 `[1, n]` input tensor. */
export function int64Input(values: ArrayLike<number>): ort.Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]);
  return new ort.Tensor('int64', data, [1, values.length]);
}

export type { InferenceSession } from 'onnxruntime-web';
export const { Tensor } = ort;
export type Tensor = ort.Tensor;

/** What onnxruntime said, without the C++ source location it prefixes (`file.cc:123`). */
export function ortMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw
    .replace(/^.*ERROR_MESSAGE:\s*/s, '')
    .replace(/\S+\.(h|cc|cpp):\d+\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
