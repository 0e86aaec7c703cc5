/**
 * What the engine feeds each graph input, decided once at load from the graph's declared
 * inputs, the way Transformers.js fills them for a first (cache-less) pass:
 * `input_ids`; `attention_mask` ones over past + current; `token_type_ids` zeros;
 * `position_ids` 0..N-1; every `past_key_values.*` an empty `[1, kv_heads, 0, head_dim]`;
 * `use_cache_branch` false; `num_logits_to_keep` 0.
 */
import type { onnx } from 'onnx-proto';
import { int64 } from '../graph/graphIndex';
import type { ManifestInputs } from './manifest';
import { modelError } from '../modelError';

/** How one input is filled. */
export type FeedSpec =
  | { name: string; kind: 'inputIds' | 'attentionMask' | 'tokenTypeIds' | 'positionIds' }
  | { name: string; kind: 'emptyPast'; type: 'float32' | 'float16'; dims: [1, number, 0, number] }
  | { name: string; kind: 'useCacheBranch' | 'numLogitsToKeep' };

/** Names the engine fills by convention (Optimum / Transformers.js). */
const CONVENTIONAL: Record<string, keyof ManifestInputs> = {
  input_ids: 'inputIds',
  attention_mask: 'attentionMask',
  token_type_ids: 'tokenTypeIds',
  position_ids: 'positionIds',
};
const PAST = /^past_key_values[._]|^past\./;
const FLOAT16 = 10;
const FLOAT = 1;

/** The basic inputs among a graph's feed inputs, by their conventional names. */
export function conventionalInputs(feeds: readonly string[]): Partial<ManifestInputs> {
  const found: Partial<ManifestInputs> = {};
  for (const name of feeds) if (Object.hasOwn(CONVENTIONAL, name)) found[CONVENTIONAL[name]] = name;
  return found;
}

/** Sizes used when the graph leaves a past input's dims symbolic. */
export interface PastFallback {
  kvHeads?: number;
  headDim?: number;
}

/**
 * One spec per feed input. `named` are the basic inputs (from the manifest or by
 * convention); everything else must be a cache input, or the load fails naming it.
 */
export function planFeeds(
  graph: onnx.IGraphProto,
  feeds: readonly string[],
  named: ManifestInputs,
  past: PastFallback,
  label: string,
  file: string,
): FeedSpec[] {
  const byName = new Map(
    Object.entries(named).map(([kind, name]) => [name as string, kind as keyof ManifestInputs]),
  );
  return feeds.map((name): FeedSpec => {
    const kind = byName.get(name);
    if (kind) return { name, kind };
    if (name === 'use_cache_branch') return { name, kind: 'useCacheBranch' };
    if (name === 'num_logits_to_keep' || name === 'logits_to_keep')
      return { name, kind: 'numLogitsToKeep' };
    const info = graph.input?.find((v) => v.name === name);
    if (PAST.test(name)) return emptyPast(name, info, past, label, file);
    throw modelError(
      'missingGraphName',
      label,
      file,
      `needs the input "${name}", which the engine cannot fill (it fills ${[...byName.keys(), 'past_key_values.*', 'use_cache_branch', 'num_logits_to_keep'].join(', ')})`,
      'Export the model for plain text input (e.g. optimum-cli export onnx --task feature-extraction, text-generation or text2text-generation); a single-graph model may instead get a manifest.json that names this input.',
    );
  });
}

function emptyPast(
  name: string,
  info: onnx.IValueInfoProto | undefined,
  past: PastFallback,
  label: string,
  file: string,
): FeedSpec {
  const tensor = info?.type?.tensorType;
  const dims = tensor?.shape?.dim ?? [];
  const fixed = (i: number) => {
    const value = dims[i]?.dimValue;
    return value === undefined || value === null ? 0 : int64(value);
  };
  const kvHeads = fixed(1) || past.kvHeads;
  const headDim = fixed(3) || past.headDim;
  const type =
    tensor?.elemType === FLOAT16
      ? 'float16'
      : tensor?.elemType === FLOAT || !tensor
        ? 'float32'
        : undefined;
  if (dims.length !== 4 || !kvHeads || !headDim || !type) {
    throw modelError(
      'missingGraphName',
      label,
      file,
      `has the cache input "${name}" of a shape or type the engine cannot fill (it feeds an empty float [1, key/value heads, 0, head size])`,
      'Export the model without past inputs, or state num_key_value_heads and head_dim in config.json.',
    );
  }
  return { name, kind: 'emptyPast', type, dims: [1, kvHeads, 0, headDim] };
}
