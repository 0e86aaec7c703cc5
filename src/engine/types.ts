/**
 * The engine's data model: what a tokenized, inspected text looks like. Shared by the
 * worker, the extension host, the webview, the CLI and the export. Imports nothing.
 */
import type { GenerationInfo } from './generationTypes';

/** How a model attends: causal decoder, bidirectional encoder, or both with cross-attention. */
export type Architecture = 'decoder' | 'encoder' | 'encoder-decoder';

/** One token of an inspected text, mapped back to the exact source characters. */
export interface Token {
  /** Vocabulary id. */
  id: number;
  /** The token as the vocabulary spells it (e.g. `Ġhello`, `##ing`, `[CLS]`). */
  text: string;
  /** Start offset in UTF-16 code units of the original text (VS Code positions use these). */
  start: number;
  /** End offset, exclusive. `start === end` for special tokens that have no source. */
  end: number;
  /** True for tokens the special-token policy added (`[CLS]`, `<|endoftext|>`, …). */
  special: boolean;
  /**
   * True when the token holds only part of what one source character became (some of its
   * UTF-8 bytes in byte-level BPE; some of its normalized characters in WordPiece, e.g. a
   * Hangul syllable split into jamo); its range is then the whole character, shared with
   * the neighbouring token(s).
   */
  partial?: boolean;
}

/** What the user is told when the text had more tokens than the model can take. */
export interface Truncation {
  /**
   * Tokens the whole text produced (special tokens included); null when the text was far
   * longer than the context and was not tokenized to its end.
   */
  totalTokens: number | null;
  /** Tokens actually inspected (special tokens included). */
  inspectedTokens: number;
  /** The text was inspected up to this UTF-16 offset (end of the last inspected token). */
  inspectedUpTo: number;
  /** A full sentence for people: how much was inspected and why (ends with a full stop). */
  reason: string;
}

/**
 * Attention tricks of current families that change which keys a query sees or how its
 * scores are bounded; `from` says whether the graph (a fused node's attributes) or
 * config.json told us.
 */
export interface AttentionFeatures {
  /** Sliding-window attention: in `layers`, a query sees only the last `size` keys, its own included. */
  slidingWindow?: { size: number; layers: number[]; from: 'graph' | 'config.json' };
  /** Attention logit soft-capping: the scaled scores become c · tanh(scores / c) (Gemma 2). */
  softcap?: { value: number; from: 'graph' | 'config.json' };
}

/** What ran: the graph file, its variant and precision, and what was derived or rewritten. */
export interface ModelSource {
  /** The graph file, relative to the folder (`onnx/model_q4.onnx`). */
  graphFile: string;
  /** The variant its name says (`fp32`, `q4`, `q4f16`, `quantized`…). */
  variant: string;
  /** The precision its weights are stored in, in words (`float32`, `4-bit (MatMulNBits, block 32)`). */
  precision: string;
  /** Fused operators rewritten into standard ops to read their attention (`com.microsoft:GroupQueryAttention`). */
  rewritten: { op: string; nodes: number }[];
  /** Where the model facts come from: `manifest.json`, or `config.json` with what was derived or assumed. */
  facts: string;
  /** What was chosen, derived or assumed while loading, one sentence each. */
  notes: string[];
}

/** The model facts a view or an export needs (a subset of the manifest). */
export interface ModelInfo {
  id: string;
  name: string;
  architecture: Architecture;
  layers: number;
  heads: number;
  hiddenSize: number;
  vocabSize: number;
  maxPositions: number;
  /** Absolute folder the model was loaded from. */
  dir: string;
  /** The graph file run, relative to `dir` (`model.onnx`, `onnx/model_quantized.onnx`). */
  graphFile?: string;
  /** Other graph variants the folder holds, best first (`onnx/model_fp16.onnx`…). */
  otherGraphFiles?: string[];
  /** What was chosen or assumed while loading, one sentence each (Hugging Face folders). */
  notes?: string[];
  /** Encoder-decoders: the decoder graph run (`layers`/`heads`/`graphFile` are the encoder's). */
  decoderGraphFile?: string;
  decoderLayers?: number;
  decoderHeads?: number;
  /** Sliding window, soft-capping: named so the views and the export can say so. */
  attention?: AttentionFeatures;
  /** What ran (single-graph models): the export's `source` block. */
  source?: ModelSource;
}

/** A next-token prediction at one position, from the same run's logits. */
export interface Prediction {
  id: number;
  /** Decoded token text (what the model would write next). */
  text: string;
  /** Softmax probability. */
  prob: number;
}

/**
 * The result of one inspection. `attentions[layer]` is a `[heads, N, N]` row-major
 * float32 array: row = query token, column = key token, rows sum to 1.
 */
export interface InspectResult {
  model: ModelInfo;
  text: string;
  tokens: Token[];
  attentions: Float32Array[];
  /** Per query position the top next-token predictions; decoders with logits only. */
  predictions?: Prediction[][];
  /**
   * A held result's predictions are read per row when a view asks (`predictions` of the
   * engine's and the webview's APIs; issue 22): the LM head is not part of the forward pass.
   * `k` is how many per row the inspection asked for. Absent: `predictions` holds every row,
   * or the model predicts nothing.
   */
  nextTokens?: { k: number };
  /** The decoder side, for encoder-decoder models (then `tokens`/`attentions` are the source side). */
  seq2seq?: Seq2SeqResult;
  truncation?: Truncation;
  /** The arithmetic of the heads `InspectOptions.steps` asked for, in that order. */
  steps?: HeadSteps[];
  /** A decoder's continuation (`InspectOptions.generate`): its tokens end `tokens`. */
  generation?: GenerationInfo;
  timings: {
    /** Waiting for the model to load (0 when it was loaded already). */
    loadMs?: number;
    tokenizeMs: number;
    inferenceMs: number;
    totalMs: number;
    /** Wall-clock start and end of the run where it ran (epoch ms, sub-ms precision). */
    startedAt?: number;
    finishedAt?: number;
  };
}

/** A token on the decoder side of an encoder-decoder inspection (generated or typed: no source offsets). */
export interface TargetToken {
  id: number;
  text: string;
  special: boolean;
}

/** How the decoder's tokens were chosen. */
export type TargetRequest =
  | { kind: 'greedy'; maxNewTokens?: number }
  | { kind: 'given'; text: string };

/** Greedy decoding stops after this many new tokens unless told otherwise. */
export const DEFAULT_MAX_NEW_TOKENS = 64;

/** The target of an encoder-decoder inspection when none is asked for: the model's own greedy output. */
export const DEFAULT_TARGET: TargetRequest = {
  kind: 'greedy',
  maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
};

/** The decoder side of an encoder-decoder inspection; `InspectResult.tokens`/`attentions` are then the source (encoder) side. */
export interface Seq2SeqResult {
  target:
    | { kind: 'greedy'; maxNewTokens: number; stoppedAtEos: boolean }
    | { kind: 'given'; text: string };
  /** The first is the decoder start token. */
  decoderTokens: TargetToken[];
  decoderLayers: number;
  decoderHeads: number;
  /** Per decoder layer `[heads, T, T]`, causal, rows sum to 1. */
  decoderAttentions: Float32Array[];
  /** Per decoder layer `[heads, T, S]`: rows = decoder tokens, columns = source `tokens`. */
  crossAttentions: Float32Array[];
}

/**
 * Which attention a head or a layer belongs to: the result's own `attentions` (an encoder's
 * or a decoder-only model's self-attention), an encoder-decoder's causal decoder
 * self-attention, or its cross-attention (rows = target tokens, columns = source tokens).
 */
export type AttentionKind = 'encoder' | 'decoder' | 'cross';

/** One head whose steps are wanted (`InspectOptions.steps`). */
export interface HeadStepsRequest {
  kind?: AttentionKind;
  layer: number;
  head: number;
}

/**
 * The arithmetic of one head, softmax(scores × scale + bias, masked keys removed) · v, as the
 * model computed it (docs/attention-json.md, "steps"). Matrices are row-major; N queries,
 * M keys, `d` the query/key size, `dv` the value size.
 */
export interface HeadSteps extends HeadStepsRequest {
  n: number;
  m: number;
  d: number;
  dv: number;
  /** [N, d] the queries, after rotary positions, before any scale. */
  q: Float32Array;
  /** [M, d] the keys this head uses (with grouped key/value heads, those of `kvHead`). */
  k: Float32Array;
  /** [M, dv] the values this head uses. */
  v: Float32Array;
  /** The key/value head that query head `head` reads (equals `head` without grouping). */
  kvHead: number;
  /** [N, M] q·kᵀ, before any scale. */
  scores: Float32Array;
  /** The factor the model applies to the scores (1/√d usually, 1 for T5). */
  scale: number;
  /** Where the model applies `scale`: to the scores, or folded into q and/or k; empty: nowhere. */
  scaleAt: ('scores' | 'query' | 'key')[];
  /** The cap c of attention logit soft-capping, c · tanh(scale · q·kᵀ / c) (Gemma 2), when the model has it. */
  softcap?: number;
  /** [N, M] additive bias other than the mask (relative position bias, ALiBi), or null. */
  bias: Float32Array | null;
  /** [N, M] 1 where the mask removes the key from the query's softmax. */
  masked: Uint8Array;
  /** [N, dv] attention weights · v: what the head hands to the concatenation. */
  output: Float32Array;
}

/**
 * How a model knows the order of its tokens (docs/decisions.md, "Positions"): its position
 * table, and per head how much attention changes when positions or tokens are taken away.
 */
export interface PositionsReport {
  /** A learned table, a fixed sinusoid table, rotary embeddings, or none found in the graph. */
  kind: 'learned' | 'sinusoid' | 'rotary' | 'none';
  /** One or two sentences for people: what the model does with positions. */
  note: string;
  /** The first `rows` rows of the position table (`[rows, width]`), when there is one. */
  table?: { name: string; rows: number; totalRows: number; width: number; data: Float32Array };
  /**
   * Per layer, per head: the mean over queries of the total-variation distance between the
   * head's attention row and the same row with the position table zeroed (`position`) or
   * the token embedding zeroed (`token`); 0 = unchanged, 1 = nothing in common.
   */
  effects?: { position: Float32Array[]; token: Float32Array[] };
}

// What the engine holds of a result and the slices views ask for (issue 22).
export * from './heldTypes';
export * from './generationTypes';
export * from './normTypes';
