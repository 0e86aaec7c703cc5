/**
 * The held-result vocabulary (issue 22): the stacks a result holds, the slices and
 * overviews views ask for, head summaries. Part of `types.ts` (which re-exports it), kept
 * apart only for size; like it, shared by the worker, the host, the webview and the CLI.
 */
import type { AttentionKind, InspectResult, Seq2SeqResult, SliceWeights } from './types';

/**
 * One stack of attention matrices in a result (issue 22): `layers` × `heads` matrices of
 * `rows` query tokens × `cols` key tokens. A decoder-only model or an encoder has one
 * (`kind: 'encoder'`, the result's own tokens); an encoder-decoder adds its decoder's
 * causal self-attention and its cross-attention (rows = target tokens, cols = source tokens).
 */
export interface AttentionStack {
  kind: AttentionKind;
  layers: number;
  heads: number;
  rows: number;
  cols: number;
  /** A query sees no key after it (decoder self-attention). */
  causal: boolean;
  /**
   * Sliding-window attention as the run applied it, per layer: in layer `l` a query at `i`
   * sees only keys `j > i − windows[l]` (itself included); null, or no array: no window.
   */
  windows?: (number | null)[];
  /**
   * Issue 24: true when value norms and head writes can be computed for this stack (the
   * engine computes them when first asked), else why not; absent: not known before asking.
   */
  valueNorms?: true | string;
}

/**
 * A part of one held result's attention, as a view, a hover or an export asks for it:
 * layer `layer` of stack `kind`, the heads listed (all, in order, when absent) and the query
 * rows listed or the range `[start, end)` (all when absent). The answer is a Float32Array
 * `[heads, rows, cols]`, row-major, each row summing to 1.
 */
export interface AttentionSliceRequest {
  kind: AttentionKind;
  layer: number;
  heads?: number[];
  rows?: number[] | { start: number; end: number };
  /** Value-weighted (issue 24, normTypes.ts) instead of the attention weights (the default). */
  weights?: SliceWeights;
  /**
   * Each row divided by its sum over all key columns, before columns are cut or blocks
   * reduced: value-weighted rows as shares of what the head moves, as the panel and the
   * editor show them (webview/valueWeighted.ts). Attention rows already sum to 1.
   */
  rowShares?: boolean;
  /**
   * Key columns `[start, end)` only (all when absent): with a row range, one tile of the
   * matrix view. The answer is `[heads, rows, end − start]`.
   */
  cols?: { start: number; end: number };
  /**
   * Reduce blocks of `block` × `block` weights (rows from a range, never a list) to one
   * number, their `reduce` (`mean` when absent): the matrix view's picture of a head zoomed
   * out. The answer is `[heads, ⌈rows/block⌉, ⌈cols/block⌉]`; rows no longer sum to 1.
   */
  block?: number;
  reduce?: 'mean' | 'max';
  /**
   * The heads asked for (all when absent) combined into one, weight by weight: their mean
   * or maximum, after value weights and `rowShares`, before columns are cut or blocks
   * reduced: the matrix view's mean and max of a long result, at the resolution it shows.
   * The answer is `[1, rows, cols]` (or its tile or blocks).
   */
  acrossHeads?: 'mean' | 'max';
}

/**
 * What the model view and the summary view need of one layer, computed in the engine at
 * its own resolution: per head the mean attention over blocks of `blockRows` × `blockCols`
 * tokens (`[heads, side, colSide]`; the matrix itself when it is no larger than
 * `THUMBNAIL_SIDE`), and the head summaries.
 */
export interface LayerOverview {
  kind: AttentionKind;
  layer: number;
  /** Thumbnail rows and columns. */
  side: number;
  colSide: number;
  /** Tokens per thumbnail row/column (the last block may hold fewer). */
  blockRows: number;
  blockCols: number;
  thumbnails: Float32Array;
  summaries: HeadSummary[];
  /**
   * Per head the mean over query rows of what it writes, ‖Σ_j α_ij v_j W_O‖ (issue 24),
   * relative to the residual stream's norm there when `relative`; absent without norms.
   */
  writes?: { mean: number[]; relative: boolean };
  /**
   * `value-weighted` (issue 24): the thumbnails are block means of each row's value-weighted
   * share (`rowShares`), not of the attention weights; absent: attention weights.
   */
  weights?: SliceWeights;
}

/**
 * Which unit of a view each token of a self-attention stack belongs to (-1: hidden), for
 * thumbnails of the layer as the view groups its tokens (word level, hidden specials).
 */
export interface ThumbnailUnits {
  unitOfToken: number[];
  /** Rows are renormalised to sum to 1 (some tokens are hidden). */
  renormalise: boolean;
}

/** Thumbnails are at most this many cells a side (the model view's backing store). */
export const THUMBNAIL_SIDE = 128;

/** Thresholds of the head labels (engine/attention/headSummaries.ts says what each measures). */
export const HEAD_LABEL_THRESHOLDS = {
  previousToken: 0.5,
  firstToken: 0.5,
  broad: 0.8,
  induction: 0.4,
  /** Fewer qualifying queries than this leave the induction share unmeasured. */
  inductionMinQueries: 4,
  /** Cross-attention alignment (engine/attention/crossAlignment.ts). */
  aligned: 0.5,
} as const;

/** What a head does, when a score says so clearly (thresholds: `HEAD_LABEL_THRESHOLDS`). */
export type HeadLabel = 'previous-token' | 'first-token' | 'broad' | 'induction' | 'aligned';

/** Scores of one head of one layer (engine/attention/headSummaries.ts computes them). */
export interface HeadSummary {
  layer: number;
  head: number;
  /** Mean row entropy in bits. */
  entropy: number;
  /** Mean row entropy divided by log2 of the number of visible keys (0…1). */
  normalisedEntropy: number;
  /** Mean of `Σ_j w_ij · |i − j|`: how far, in tokens, the head looks; null for cross-attention. */
  meanDistance: number | null;
  /** Mean weight on key `i − 1`; null for cross-attention. */
  previousTokenShare: number | null;
  /** Mean weight on key 0. */
  firstTokenShare: number;
  /** Mean weight on induction targets; null when too few queries have any (or not causal). */
  inductionShare: number | null;
  /** Cross-attention only: how diagonal/monotonic the head is (−1…1); null for self-attention. */
  alignment: number | null;
  labels: HeadLabel[];
}

/**
 * An inspection whose attention stays in the engine (issue 22): everything of
 * `InspectResult` but the tensors, the stacks it holds, and the id slices are asked by.
 * The engine keeps a few held results (newest first) and drops the oldest; a slice of a
 * dropped result fails with code `released`.
 */
export type HeldResult = Omit<InspectResult, 'attentions' | 'seq2seq'> & {
  resultId: number;
  stacks: AttentionStack[];
  seq2seq?: Omit<Seq2SeqResult, 'decoderAttentions' | 'crossAttentions'>;
};
