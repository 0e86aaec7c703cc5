/**
 * The Steps view's arithmetic for one query row, done again in the webview from the
 * numbers the host sent, so the view can show that each step really leads to the next:
 * the softmax of the scaled, biased, masked scores equals the head's attention row, and
 * the weighted sum of v equals the head's output.
 */
import type { HeadSteps } from '../../../src/engine/types';

/** One key's numbers for query row `i`. */
export interface KeyStep {
  key: number;
  dot: number;
  /** q·k × scale, soft-capped (c · tanh(x / c)) where the model caps its logits. */
  scaled: number;
  bias: number;
  masked: boolean;
  /** softmax over the unmasked keys; 0 for masked ones. */
  weight: number;
}

export function rowSteps(s: HeadSteps, i: number): KeyStep[] {
  const base = i * s.m;
  const rows: KeyStep[] = [];
  let max = -Infinity;
  for (let j = 0; j < s.m; j++) {
    const dot = s.scores[base + j];
    const bias = s.bias ? s.bias[base + j] : 0;
    const masked = s.masked[base + j] === 1;
    const cap = s.softcap;
    const scaled = cap ? cap * Math.tanh((dot * s.scale) / cap) : dot * s.scale;
    rows.push({ key: j, dot, scaled, bias, masked, weight: 0 });
    if (!masked) max = Math.max(max, scaled + bias);
  }
  let sum = 0;
  for (const r of rows) if (!r.masked) sum += r.weight = Math.exp(r.scaled + r.bias - max);
  for (const r of rows) r.weight = sum > 0 ? r.weight / sum : 0;
  return rows;
}

/** Σⱼ weightⱼ · vⱼ for one query row. */
export function weightedSum(s: HeadSteps, weights: readonly number[]): Float32Array {
  const out = new Float32Array(s.dv);
  weights.forEach((w, j) => {
    if (w === 0) return;
    for (let c = 0; c < s.dv; c++) out[c] += w * s.v[j * s.dv + c];
  });
  return out;
}

/** Largest |a − b| over two equally long lists. */
export function maxGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let gap = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) gap = Math.max(gap, Math.abs(a[i] - b[i]));
  return a.length === b.length ? gap : Infinity;
}
