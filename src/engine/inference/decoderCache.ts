/**
 * Greedy decoding from the decoder's key/value cache, as transformers and Transformers.js
 * generate: one full pass over the start token gives the first logits and the cache
 * (`present.*` outputs), then each new token is one step of the cache graph — the merged
 * decoder's cache branch, or `decoder_with_past_model.onnx` — over that token alone. A step's
 * work no longer grows with the target; without the cache every step recomputed every
 * position, the vocabulary projection included. The attention shown still comes from one
 * full pass over the finished target (seq2seqModel.ts): a cache step only sees its own row.
 */
import * as ort from 'onnxruntime-web';
import { ENCODER_ATTENTION_MASK } from '../folder/seq2seqDecoder';
import { ENCODER_HIDDEN_STATES } from '../graph/decoderAttention';
import type { InferenceSession } from './ortRuntime';

/** The graph that continues a target from the cache, with its session. */
export interface CacheStepGraph {
  session: InferenceSession;
  graphFile: string;
}

/** `encoder_attention_mask` over `sourceLength` tokens: all ones (a source is never padded). */
export function encoderMask(sourceLength: number): ort.Tensor {
  return new ort.Tensor('int64', new BigInt64Array(sourceLength).fill(1n), [1, sourceLength]);
}

/** Cache tensors by the input name they are fed back under (`past_key_values.0.decoder.key`). */
export type DecoderCache = Map<string, ort.Tensor>;

const PRESENT = /^present/;

/** The outputs of a decoder graph that hold its cache. */
export function cacheOutputs(outputNames: readonly string[]): string[] {
  return outputNames.filter((name) => PRESENT.test(name));
}

/**
 * Keeps a pass's cache outputs under their input names. The encoder's keys and values are
 * the first pass's for good: cache graphs do not recompute them (Optimum's merged decoder
 * returns placeholders for them, `decoder_with_past_model.onnx` nothing).
 */
export function keepCache(
  cache: DecoderCache,
  outputs: Record<string, ort.Tensor | undefined>,
  firstPass: boolean,
): void {
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!tensor || !PRESENT.test(name) || (!firstPass && name.includes('encoder'))) continue;
    cache.set(name.replace(PRESENT, 'past_key_values'), tensor);
  }
}

/**
 * The inputs of one cache step over `lastId`, or undefined when the step graph asks for an
 * input this engine does not know how to fill (then decoding uses full passes).
 */
export function stepFeeds(
  step: CacheStepGraph,
  source: { hidden: ort.Tensor; sourceLength: number },
  lastId: number,
  cache: DecoderCache,
): Record<string, ort.Tensor> | undefined {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of step.session.inputNames) {
    const cached = cache.get(name);
    if (name === 'input_ids') {
      feeds[name] = new ort.Tensor('int64', BigInt64Array.of(BigInt(lastId)), [1, 1]);
    } else if (name === ENCODER_HIDDEN_STATES) {
      feeds[name] = source.hidden;
    } else if (name === ENCODER_ATTENTION_MASK) {
      feeds[name] = encoderMask(source.sourceLength);
    } else if (name === 'use_cache_branch') {
      feeds[name] = new ort.Tensor('bool', [true], [1]);
    } else if (cached) {
      feeds[name] = cached;
    } else {
      return undefined;
    }
  }
  return feeds;
}
