/**
 * Where a held result's attention matrices come from (issue 22): the run's own tensors
 * while they are small, recomputed from each layer's queries and keys when they are not.
 * Either way a slice is a new array its caller owns (it may be transferred).
 */
import { enterStage, layerStage } from '../stage';
import type { AttentionStack, HeadSummary, Prediction } from '../types';
import type { HeadNorms } from './headNorms';
import type { LogitLens } from './logitLens';
import type { MovesOnDemand } from './movesOnDemand';

/** Query rows of a slice: listed, or a half-open range. */
export type RowChoice = number[] | { start: number; end: number };

export interface AttentionSource {
  readonly stack: AttentionStack;
  /** Bytes this source keeps alive. */
  readonly bytes: number;
  /** Value and write norms (issue 24), or why there are none; absent when never asked for. */
  norms?: HeadNorms | string;
  /** A decoder's logit lens (issue 24), or why there is none; absent for encoders. */
  lens?: LogitLens | string;
  /** What computes `norms` and `lens` when first asked for (neither is computed by the run). */
  moves?: MovesOnDemand;
  /** A decoder's next-token predictions, read per row (issue 22); absent: it predicts nothing. */
  predictions?: NextTokens;
  /** `[heads.length, rows, cols]` of layer `layer`. */
  slice(layer: number, heads: readonly number[], rows: readonly number[]): Promise<Float32Array>;
  /**
   * A self-attention layer's thumbnails and head summaries computed where the weights are
   * (the layer's N² never copied out); undefined where slicing the layer is as good (small).
   */
  overview?(
    layer: number,
    induction: readonly (readonly number[])[] | undefined,
  ): Promise<OverviewParts | undefined>;
}

/** A held run's next-token predictions (inference/nextTokens.ts). */
export interface NextTokens {
  /** Per row asked, in that order, the top `k`, most probable first. */
  rows(rows: readonly number[], k: number): Promise<Prediction[][]>;
}

/** What `AttentionSource.overview` computes: `thumbnailsOf`'s figures and the summaries. */
export interface OverviewParts {
  thumbnails: Float32Array;
  side: number;
  colSide: number;
  blockRows: number;
  blockCols: number;
  summaries: HeadSummary[];
}

/** The run's own tensors, `[heads, rows, cols]` per layer, kept as they came. */
export class HeldTensors implements AttentionSource {
  readonly bytes: number;
  norms?: HeadNorms | string;
  lens?: LogitLens | string;
  predictions?: NextTokens;

  constructor(
    readonly stack: AttentionStack,
    private readonly layers: readonly Float32Array[],
  ) {
    this.bytes = layers.reduce((sum, layer) => sum + layer.byteLength, 0);
  }

  async slice(
    layer: number,
    heads: readonly number[],
    rows: readonly number[],
  ): Promise<Float32Array> {
    const { rows: n, cols } = this.stack;
    const weights = this.layers[layer];
    const out = new Float32Array(heads.length * rows.length * cols);
    let at = 0;
    for (const head of heads) {
      for (const row of rows) {
        const from = (head * n + row) * cols;
        out.set(weights.subarray(from, from + cols), at);
        at += cols;
      }
    }
    return out;
  }
}

/** Every layer's `[heads, rows, cols]`, read one after the other (what `Engine.inspect` returns). */
export async function everyLayer(source: AttentionSource): Promise<Float32Array[]> {
  const { heads, rows, layers } = source.stack;
  const allHeads = Array.from({ length: heads }, (_, i) => i);
  const allRows = Array.from({ length: rows }, (_, i) => i);
  const attentions: Float32Array[] = [];
  for (let layer = 0; layer < layers; layer++) {
    enterStage(layerStage('reading the attention', layer, layers, rows));
    attentions.push(await source.slice(layer, allHeads, allRows));
  }
  return attentions;
}
