/**
 * Per-head summaries that point at interesting heads, and the labels they justify.
 *
 * All scores average over query rows that have a choice: row 0 of a causal model can only
 * attend to itself, so causal summaries skip it (encoders use every row).
 *
 * Labels and their thresholds (a head can carry several):
 * - `previous-token`: mean weight on the token just before the query ≥ 0.5;
 * - `first-token`: mean weight on token 0 (often a special token acting as an attention
 *   sink) ≥ 0.5;
 * - `broad`: mean normalised entropy ≥ 0.8, i.e. the head spreads its weight nearly evenly
 *   over the keys it may see (1 = uniform, 0 = one key);
 * - `induction` (causal models): mean weight, over the queries whose token occurred before,
 *   on the tokens that followed those earlier occurrences (`inductionTargets`) ≥ 0.4,
 *   measured when at least 4 queries qualify (a text with a repeated passage has many);
 * - `aligned` (cross-attention): `alignment` ≥ 0.5 (`crossAlignment.ts` defines it).
 *
 * Cross-attention rows are target tokens and columns source tokens, so the scores that
 * compare a query's position with a key's (distance, previous token, induction) are null.
 */
import { HEAD_LABEL_THRESHOLDS, type HeadLabel, type HeadSummary } from '../types';
import { alignmentScore } from './crossAlignment';

export type { HeadLabel, HeadSummary } from '../types';

/** Head `head` of a layer tensor `[heads, rows, cols]`, as a view. */
function headOf(layer: Float32Array, rows: number, head: number, cols = rows): Float32Array {
  return layer.subarray(head * rows * cols, (head + 1) * rows * cols);
}

/**
 * Summarises every head of one layer tensor `[heads, n, n]`. `induction` holds, per query,
 * its induction targets (`inductionTargets` of the token ids); omit it to leave the
 * induction share unmeasured.
 */
export function summariseLayer(
  layer: Float32Array,
  layerIndex: number,
  n: number,
  heads: number,
  causal: boolean,
  induction?: readonly (readonly number[])[],
): HeadSummary[] {
  const out: HeadSummary[] = [];
  for (let h = 0; h < heads; h++) {
    const w = headOf(layer, n, h);
    const share = causal && induction ? inductionShare(w, n, induction) : null;
    out.push(selfHeadSummary(summariseHead(w, layerIndex, h, n, causal), share));
  }
  return out;
}

/** A self-attention head's summary from its scores and induction share, labelled. */
export function selfHeadSummary(
  scores: Omit<HeadSummary, 'labels' | 'inductionShare' | 'alignment'>,
  inductionShare: number | null,
): HeadSummary {
  const summary = { ...scores, inductionShare, alignment: null };
  return { ...summary, labels: labelHead(summary) };
}

/**
 * Summarises every head of a cross-attention layer `[heads, rows, cols]` (rows = target
 * tokens, columns = source tokens): entropy, the share on source token 0, and alignment.
 */
export function summariseCrossLayer(
  layer: Float32Array,
  layerIndex: number,
  rows: number,
  cols: number,
  heads: number,
): HeadSummary[] {
  const out: HeadSummary[] = [];
  for (let h = 0; h < heads; h++) {
    const w = headOf(layer, rows, h, cols);
    let entropy = 0;
    let normalised = 0;
    let first = 0;
    for (let i = 0; i < rows; i++) {
      let rowEntropy = 0;
      for (let j = 0; j < cols; j++) {
        const p = w[i * cols + j];
        if (p > 0) rowEntropy -= p * Math.log2(p);
      }
      entropy += rowEntropy;
      normalised += cols > 1 ? rowEntropy / Math.log2(cols) : 0;
      first += w[i * cols];
    }
    const mean = (x: number) => (rows > 0 ? x / rows : 0);
    const summary = {
      layer: layerIndex,
      head: h,
      entropy: mean(entropy),
      normalisedEntropy: mean(normalised),
      meanDistance: null,
      previousTokenShare: null,
      firstTokenShare: mean(first),
      inductionShare: null,
      alignment: alignmentScore(w, rows, cols),
    };
    out.push({ ...summary, labels: labelHead(summary) });
  }
  return out;
}

function inductionShare(
  w: Float32Array,
  n: number,
  targets: readonly (readonly number[])[],
): number | null {
  return inductionShareOf((i, k) => w[i * n + k], n, targets);
}

/** The mean weight on the induction targets; `weight(i, k)` is asked in the targets' order. */
export function inductionShareOf(
  weight: (query: number, key: number) => number,
  n: number,
  targets: readonly (readonly number[])[],
): number | null {
  let total = 0;
  let queries = 0;
  targets.forEach((keys, i) => {
    if (keys.length === 0 || i >= n) return;
    for (const k of keys) total += weight(i, k);
    queries++;
  });
  return queries >= HEAD_LABEL_THRESHOLDS.inductionMinQueries ? total / queries : null;
}

function summariseHead(
  w: Float32Array,
  layer: number,
  head: number,
  n: number,
  causal: boolean,
): Omit<HeadSummary, 'labels' | 'inductionShare' | 'alignment'> {
  const entropy = new Float64Array(n);
  const distance = new Float64Array(n);
  for (let i = causal ? 1 : 0; i < n; i++) {
    const visible = causal ? i + 1 : n;
    let rowEntropy = 0;
    let rowDistance = 0;
    for (let j = 0; j < visible; j++) {
      const p = w[i * n + j];
      if (p > 0) rowEntropy -= p * Math.log2(p);
      rowDistance += p * Math.abs(i - j);
    }
    entropy[i] = rowEntropy;
    distance[i] = rowDistance;
  }
  const rows: HeadRows = {
    entropy,
    distance,
    first: (i) => w[i * n],
    previous: (i) => w[i * n + i - 1],
  };
  return summariseHeadRows(rows, layer, head, n, causal);
}

/** What a head's summary needs of each query row `i` of its `n × n` weights `w`. */
export interface HeadRows {
  /** −Σ_j w_ij log2 w_ij. */
  entropy: ArrayLike<number>;
  /** Σ_j w_ij · |i − j|. */
  distance: ArrayLike<number>;
  /** w_i0. */
  first: (i: number) => number;
  /** w_i,i−1 (asked for i ≥ 1). */
  previous: (i: number) => number;
}

/**
 * A head's scores from its rows' figures (`summariseHead` computes them here; the overview
 * kernel, inference/overviewKernel.ts, where the weights are).
 */
export function summariseHeadRows(
  r: HeadRows,
  layer: number,
  head: number,
  n: number,
  causal: boolean,
): Omit<HeadSummary, 'labels' | 'inductionShare' | 'alignment'> {
  let entropy = 0;
  let normalised = 0;
  let distance = 0;
  let previous = 0;
  let first = 0;
  let rows = 0;
  let previousRows = 0;
  for (let i = causal ? 1 : 0; i < n; i++) {
    const visible = causal ? i + 1 : n;
    const rowEntropy = r.entropy[i];
    entropy += rowEntropy;
    normalised += visible > 1 ? rowEntropy / Math.log2(visible) : 0;
    distance += r.distance[i];
    first += r.first(i);
    if (i > 0) {
      previous += r.previous(i);
      previousRows++;
    }
    rows++;
  }
  const mean = (x: number, count: number) => (count > 0 ? x / count : 0);
  return {
    layer,
    head,
    entropy: mean(entropy, rows),
    normalisedEntropy: mean(normalised, rows),
    meanDistance: mean(distance, rows),
    previousTokenShare: mean(previous, previousRows),
    firstTokenShare: mean(first, rows),
  };
}

/** The labels a head's scores justify (thresholds in `HEAD_LABEL_THRESHOLDS`). */
export function labelHead(s: Omit<HeadSummary, 'labels'>): HeadLabel[] {
  const labels: HeadLabel[] = [];
  const t = HEAD_LABEL_THRESHOLDS;
  if (s.previousTokenShare !== null && s.previousTokenShare >= t.previousToken)
    labels.push('previous-token');
  if (s.firstTokenShare >= HEAD_LABEL_THRESHOLDS.firstToken) labels.push('first-token');
  if (s.normalisedEntropy >= HEAD_LABEL_THRESHOLDS.broad) labels.push('broad');
  if (s.inductionShare !== null && s.inductionShare >= HEAD_LABEL_THRESHOLDS.induction)
    labels.push('induction');
  if (s.alignment !== null && s.alignment >= t.aligned) labels.push('aligned');
  return labels;
}
