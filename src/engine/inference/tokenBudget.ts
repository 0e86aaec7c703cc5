/**
 * How many tokens a run inspects when nobody set a limit: the model's context, bounded by
 * what one run of this engine holds in the WASM heap (docs/performance.md, "Token limit by
 * default"). A limit the user sets is taken as given (up to the context): they asked.
 */
import type { ModelManifest } from '../folder/manifest';
import { MAX_TOKENS_PER_RUN } from './planTokens';

/**
 * The part of onnxruntime-web's 4 GiB WASM heap one run may fill with the weights and what
 * it keeps to the end; the rest is the arena's transient tensors (one layer's scores, the
 * MLP's activations) and fragmentation. Measured on the SmolLM2-shaped model: 1,024 tokens
 * run, 2,048 fail with `std::bad_alloc`.
 */
export const HEAP_BUDGET_BYTES = 3 * 2 ** 30;

/** Default limits are whole multiples of this (a round number a user can recognise). */
const STEP = 64;

/** What a model's run holds, from its manifest. */
export type HeldShape = Pick<ModelManifest, 'layers' | 'heads' | 'vocabSize' | 'hiddenSize'>;

/**
 * Bytes a run of `tokens` holds in the heap at its peak, besides the weights (float32): every
 * layer's q and kᵀ (the engine recomputes attention from them, issue 22) and v (the value
 * norms, issue 24; at most as wide as q, fewer heads under grouped-query attention), one layer's N × N
 * scores, mask sum and probabilities at a time, and the N × vocab logits the graph reduces to
 * its predictions. What the engine keeps changes this formula, and only this one.
 */
export function heldBytes(shape: HeldShape, tokens: number): number {
  const kept = 3 * shape.layers * tokens * shape.hiddenSize;
  const oneLayer = 3 * shape.heads * tokens * tokens;
  return 4 * (kept + oneLayer + tokens * shape.vocabSize);
}

/** The most tokens whose run fits `HEAP_BUDGET_BYTES` beside `modelBytes` of weights. */
export function memoryTokenBound(shape: HeldShape, modelBytes: number): number {
  const room = HEAP_BUDGET_BYTES - modelBytes;
  let tokens = STEP;
  while (tokens < MAX_TOKENS_PER_RUN && heldBytes(shape, tokens + STEP) <= room) tokens += STEP;
  return tokens;
}

/** Where a run's token limit came from, for the truncation note. */
export type LimitSource = 'asked' | 'memory' | 'context';

/** The limit of one run: the asked one up to the context, else the context bounded by memory. */
export function tokenLimit(
  manifest: HeldShape & Pick<ModelManifest, 'maxPositions'>,
  modelBytes: number,
  asked: number | undefined,
): { maxTokens: number; from: LimitSource } {
  const context = Math.min(manifest.maxPositions, MAX_TOKENS_PER_RUN);
  if (asked !== undefined && asked > 0) {
    return asked < context
      ? { maxTokens: asked, from: 'asked' }
      : { maxTokens: context, from: 'context' };
  }
  const fits = memoryTokenBound(manifest, modelBytes);
  return fits < context
    ? { maxTokens: fits, from: 'memory' }
    : { maxTokens: context, from: 'context' };
}
