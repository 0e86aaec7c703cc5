/** Shared by the model tests: the fixture folders and the real onnxruntime-web (WASM) in Node. */
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import type { LoadedModelFolder } from '../../../src/engine/folder/loadModelFolder';
import type { ExternalDataFile } from '../../../src/engine/graph/externalDataFile';
import { createSession } from '../../../src/engine/inference/ortRuntime';

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = `${resolve(__dirname, '../../../node_modules/onnxruntime-web/dist')}/`;

/** test/fixtures/models, made by tools/fixtures/make_fixtures.py. */
export const FIXTURES = resolve(__dirname, '../../fixtures/models');

/** Output name → float32 data and dims, from one run. */
export type Outputs = Record<string, { data: Float32Array; dims: readonly number[] }>;

/**
 * Runs ids (batch 1) through a loaded folder and returns every graph output, feeding the
 * optional inputs the way the engine does (mask 1 unless given, token types 0).
 */
export async function runFolder(
  folder: LoadedModelFolder,
  ids: number[],
  mask: number[] = ids.map(() => 1),
): Promise<Outputs> {
  // The engine's own creation: an edited graph's weights come as external data, whose
  // mounting onnxruntime-web cannot do for two sessions at once (ortRuntime.ts).
  const session = await createSession(folder.onnxBytes, folder.externalData);
  const int64 = (values: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const { inputs } = folder.manifest;
  const feeds: Record<string, ort.Tensor> = { [inputs.inputIds]: int64(ids) };
  if (inputs.attentionMask) feeds[inputs.attentionMask] = int64(mask);
  if (inputs.tokenTypeIds) feeds[inputs.tokenTypeIds] = int64(ids.map(() => 0));
  try {
    const results = await session.run(feeds);
    const out: Outputs = {};
    for (const [name, tensor] of Object.entries(results)) {
      out[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Every output of a graph file for ids (batch 1, mask all ones), fed as the engine feeds. */
export async function runGraph(
  bytes: Uint8Array,
  ids: number[],
  externalData: readonly ExternalDataFile[] = [],
): Promise<Outputs> {
  const session = await ort.InferenceSession.create(bytes, { externalData: [...externalData] });
  const int64 = (values: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(ids.map(() => 1));
    else if (name === 'token_type_ids') feeds[name] = int64(ids.map(() => 0));
    else if (name === 'position_ids') feeds[name] = int64(ids.map((_, i) => i));
    else feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
  }
  try {
    const out: Outputs = {};
    for (const [name, t] of Object.entries(await session.run(feeds))) {
      out[name] = { data: t.data as Float32Array, dims: t.dims };
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two arrays of the same length. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
