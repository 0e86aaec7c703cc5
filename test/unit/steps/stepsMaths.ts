/** Reference arithmetic for the head-steps tests, written out plainly. */
import type { HeadSteps } from '../../../src/engine/types';

/** softmax(capped(scores × scale) + bias) per query row over the keys that are not masked. */
export function recomputeAttention(s: HeadSteps): Float32Array {
  const out = new Float32Array(s.n * s.m);
  for (let i = 0; i < s.n; i++) {
    let max = -Infinity;
    const logits: number[] = [];
    for (let j = 0; j < s.m; j++) {
      const x = s.masked[i * s.m + j]
        ? -Infinity
        : capped(s.scores[i * s.m + j] * s.scale, s.softcap) + (s.bias?.[i * s.m + j] ?? 0);
      logits.push(x);
      max = Math.max(max, x);
    }
    const exps = logits.map((x) => Math.exp(x - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    exps.forEach((e, j) => {
      out[i * s.m + j] = e / sum;
    });
  }
  return out;
}

/** c · tanh(x / c) where the model caps its logits (Gemma 2), else x. */
function capped(x: number, cap: number | undefined): number {
  return cap ? cap * Math.tanh(x / cap) : x;
}

/** q [n, d] · kᵀ ([m, d]) → [n, m]. */
export function qkT(
  q: Float32Array,
  k: Float32Array,
  n: number,
  m: number,
  d: number,
): Float32Array {
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * k[j * d + c];
      out[i * m + j] = dot;
    }
  return out;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
