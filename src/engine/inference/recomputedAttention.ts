/**
 * Attention recomputed on demand from what each layer's Q·Kᵀ read (issue 22): the engine
 * keeps L · H · N · d numbers per text instead of L · H · N². A slice of a few rows is
 * computed here in JavaScript; a block of heads and rows on onnxruntime's kernels
 * (attentionKernel.ts). Every run checks the recomputation against the last rows of the
 * graph's own probabilities (`checkRows`), so what is shown is the model's attention.
 */
import type { AttentionSource, NextTokens, OverviewParts } from '../attention/attentionSource';
import type { AttentionStack } from '../types';
import { type KernelMask, runKernel } from './attentionKernel';
import { kernelOverview } from './overviewKernel';
import type { HeadNorms } from '../attention/headNorms';
import type { LogitLens } from '../attention/logitLens';
import type { MovesOnDemand } from '../attention/movesOnDemand';
import { enterStage, layerStage } from '../stage';

/** One layer's tensors and the arithmetic between Q·Kᵀ and its softmax. */
export interface LayerRecompute {
  /** `[heads, n, d]` (any leading 1s dropped). */
  q: Float32Array;
  /** `[kvHeads, d, m]`. */
  keyTransposed: Float32Array;
  d: number;
  kvHeads: number;
  /** Product of the scales applied to q·kᵀ after the MatMul. */
  factor: number;
  softcap?: number;
  /** Sliding window: a query sees only the last `window` keys, its own included. */
  window?: number;
}

/** At most this many rows are computed in JavaScript; more go to the kernel. */
const ROWS_IN_JS = 4;

/**
 * Layers of at least this many weights (heads · rows · cols) are overviewed by the overview
 * kernel; smaller ones are sliced and overviewed in JavaScript, as cheap there and exact to
 * the last bit of the slices. Where they cross: the bundled model's 4 heads at ~260 tokens
 * (docs/decisions.md, "Overviews where the weights are").
 */
export const KERNEL_OVERVIEW_WEIGHTS = 2 ** 18;

export class RecomputedAttention implements AttentionSource {
  bytes: number;
  norms?: HeadNorms | string;
  lens?: LogitLens | string;
  moves?: MovesOnDemand;
  predictions?: NextTokens;

  constructor(
    readonly stack: AttentionStack,
    private readonly layers: readonly LayerRecompute[],
  ) {
    this.bytes = layers.reduce((sum, l) => sum + l.q.byteLength + l.keyTransposed.byteLength, 0);
  }

  /** Counts what else the source keeps alive (held values, issue 24) in `bytes`. */
  holdAlso(bytes: number): void {
    this.bytes += bytes;
  }

  async slice(
    layer: number,
    heads: readonly number[],
    rows: readonly number[],
  ): Promise<Float32Array> {
    const cols = this.stack.cols;
    if (rows.length * heads.length <= ROWS_IN_JS) {
      const out = new Float32Array(heads.length * rows.length * cols);
      for (const [h, head] of heads.entries()) {
        for (const [r, row] of rows.entries()) {
          this.rowInto(layer, head, row, out, (h * rows.length + r) * cols);
        }
      }
      return out;
    }
    const l = this.layers[layer];
    const perGroup = this.stack.heads / l.kvHeads;
    const everyHead = heads.length === this.stack.heads && heads.every((h, i) => h === i);
    if (everyHead) return this.block(layer, l.kvHeads, perGroup, heads, rows);
    if (heads.length === 1) return this.block(layer, 1, 1, heads, rows);
    const out = new Float32Array(heads.length * rows.length * cols);
    for (const [h, head] of heads.entries()) {
      const weights = await this.block(layer, 1, 1, [head], rows);
      out.set(weights, h * rows.length * cols);
    }
    return out;
  }

  async overview(
    layer: number,
    induction: readonly (readonly number[])[] | undefined,
    /** Tests: kernel overviews from this many weights, in blocks of at most `blockWeights`. */
    tuning: { from?: number; blockWeights?: number } = {},
  ): Promise<OverviewParts | undefined> {
    const { heads, rows, cols } = this.stack;
    if (heads * rows * cols < (tuning.from ?? KERNEL_OVERVIEW_WEIGHTS)) return undefined;
    const l = this.layers[layer];
    const { mask } = this.mask([], l.window);
    return kernelOverview(l, this.stack, layer, mask, induction, tuning.blockWeights);
  }

  /** The kernel's `[heads, rows, cols]` for heads that are whole groups (or one head). */
  private block(
    layer: number,
    groups: number,
    perGroup: number,
    heads: readonly number[],
    rows: readonly number[],
  ): Promise<Float32Array> {
    const l = this.layers[layer];
    const { cols: m, rows: n } = this.stack;
    const { d } = l;
    const q = new Float32Array(heads.length * rows.length * d);
    for (const [h, head] of heads.entries()) {
      for (const [r, row] of rows.entries()) {
        const from = (head * n + row) * d;
        q.set(l.q.subarray(from, from + d), (h * rows.length + r) * d);
      }
    }
    const kvOf = (head: number) => Math.floor((head * l.kvHeads) / this.stack.heads);
    const kvHeads = groups === l.kvHeads ? null : heads.map(kvOf);
    const keyTransposed = kvHeads ? new Float32Array(kvHeads.length * d * m) : l.keyTransposed;
    kvHeads?.forEach((kv, i) => {
      keyTransposed.set(l.keyTransposed.subarray(kv * d * m, (kv + 1) * d * m), i * d * m);
    });
    return runKernel({
      q,
      groups,
      perGroup,
      rows: rows.length,
      d,
      keyTransposed,
      keys: m,
      factor: l.factor,
      ...(l.softcap === undefined ? {} : { softcap: l.softcap }),
      ...this.mask(rows, l.window),
    });
  }

  /** One row of one head, computed here: softmax over the keys the query may see. */
  private rowInto(layer: number, head: number, row: number, out: Float32Array, at: number): void {
    const l = this.layers[layer];
    const { cols: m, rows: n } = this.stack;
    const { d } = l;
    const kv = Math.floor((head * l.kvHeads) / this.stack.heads);
    const q = l.q.subarray((head * n + row) * d, (head * n + row + 1) * d);
    const kt = l.keyTransposed.subarray(kv * d * m, (kv + 1) * d * m);
    const logits = new Float64Array(m);
    let max = -Infinity;
    for (let j = 0; j < m; j++) {
      if (!this.visible(row, j, l.window)) {
        logits[j] = -Infinity;
        continue;
      }
      let s = 0;
      for (let t = 0; t < d; t++) s += q[t] * kt[t * m + j];
      let x = s * l.factor;
      if (l.softcap !== undefined) x = l.softcap * Math.tanh(x / l.softcap);
      logits[j] = x;
      if (x > max) max = x;
    }
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const e = logits[j] === -Infinity ? 0 : Math.exp(logits[j] - max);
      logits[j] = e;
      sum += e;
    }
    for (let j = 0; j < m; j++) out[at + j] = logits[j] / sum;
  }

  private visible(row: number, key: number, window: number | undefined): boolean {
    if (this.stack.causal && key > row) return false;
    return window === undefined || row - key < window;
  }

  /** The kernel's mask for `rows` (see `visible`); none when every key is seen. */
  private mask(rows: readonly number[], window: number | undefined): { mask?: KernelMask } {
    if (!this.stack.causal && window === undefined) return {};
    return {
      mask: {
        rowPositions: Float32Array.from(rows),
        lowest: this.stack.causal ? 0 : -Infinity,
        highest: window === undefined ? Infinity : window - 1,
      },
    };
  }

  /**
   * The largest difference between the recomputed last rows and `checked` (per layer the
   * graph's own `[heads, rows, cols]` last rows), with where it is.
   */
  async worstDifference(
    checked: readonly Float32Array[],
  ): Promise<{ difference: number; layer: number; head: number; row: number }> {
    const { heads, rows: n, cols } = this.stack;
    let worst = { difference: 0, layer: 0, head: 0, row: 0 };
    for (const [layer, expected] of checked.entries()) {
      const what = 'checking the recomputed attention against the graph';
      enterStage(layerStage(what, layer, checked.length, n));
      const count = expected.length / (heads * cols);
      const rows = Array.from({ length: count }, (_, i) => n - count + i);
      const all = Array.from({ length: heads }, (_, h) => h);
      const got = await this.slice(layer, all, rows);
      for (let i = 0; i < got.length; i++) {
        const difference = Math.abs(got[i] - expected[i]);
        if (!(difference <= worst.difference)) {
          const row = Math.floor(i / cols);
          worst = { difference, layer, head: Math.floor(row / count), row: rows[row % count] };
        }
      }
    }
    return worst;
  }
}
