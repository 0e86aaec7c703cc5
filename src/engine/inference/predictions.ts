/** Top next-token predictions from a decoder's logits, computed where the logits are. */
import type { Prediction } from '../types';

/**
 * `logits` is `[N, vocab]` row-major; returns per position the `k` most probable next
 * tokens with softmax probabilities. `decode` spells a single token id.
 */
export function topPredictions(
  logits: Float32Array,
  positions: number,
  k: number,
  decode: (id: number) => string,
): Prediction[][] {
  const vocab = logits.length / positions;
  const out: Prediction[][] = [];
  for (let p = 0; p < positions; p++) {
    const row = logits.subarray(p * vocab, (p + 1) * vocab);
    let max = -Infinity;
    for (let i = 0; i < vocab; i++) if (row[i] > max) max = row[i];
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += Math.exp(row[i] - max);
    // Keep the k best in a small sorted array: k is tiny, vocab is ~10^4.
    const best: number[] = [];
    for (let i = 0; i < vocab; i++) {
      if (best.length === k && row[i] <= row[best[k - 1]]) continue;
      let at = best.length;
      while (at > 0 && row[best[at - 1]] < row[i]) at--;
      best.splice(at, 0, i);
      if (best.length > k) best.pop();
    }
    out.push(best.map((id) => ({ id, text: decode(id), prob: Math.exp(row[id] - max) / sum })));
  }
  return out;
}
