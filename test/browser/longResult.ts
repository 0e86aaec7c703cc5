/**
 * Synthetic causal results of one layer of two heads, for views that must be fed a shape no
 * small model gives. The long one has 2,048 tokens (issue 22: long enough that the matrix view
 * draws from tiles): head 0 attends to the previous token, head 1 evenly to every token up to
 * its own, so their mean at (i, i − 1) is (1 + 1/(i + 1)) / 2 and their maximum there is 1.
 */
import type { InspectResult, Token } from '../../src/engine/types';

export const N = 2048;

/** `n` tokens `t0`, `t1`, … three characters apart, ids repeating every 500. */
export function syntheticTokens(n: number): Token[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i % 500,
    text: `t${i}`,
    start: i * 3,
    end: i * 3 + 2,
    special: false,
  }));
}

/** A decoder's result of `tokens` whose one layer of two heads is `weights` (`[2, n, n]`). */
export function syntheticResult(
  weights: Float32Array,
  tokens: Token[],
  options: { id?: string; name?: string; text?: string } = {},
): InspectResult {
  return {
    attentions: [weights],
    model: {
      id: options.id ?? 'synthetic-long',
      name: options.name ?? 'Synthetic long',
      architecture: 'decoder',
      layers: 1,
      heads: 2,
      hiddenSize: 64,
      vocabSize: 1000,
      maxPositions: tokens.length,
      dir: '/synthetic',
    },
    text: options.text ?? tokens.map((t) => `${t.text} `).join(''),
    tokens,
    timings: { tokenizeMs: 0, inferenceMs: 0, totalMs: 0 },
  };
}

/** A causal result of `n` tokens, one layer: head 0 attends to the previous token, head 1 evenly. */
export function longResult(n = N): InspectResult {
  const weights = new Float32Array(2 * n * n);
  for (let i = 0; i < n; i++) {
    weights[i * n + Math.max(0, i - 1)] = 1;
    for (let j = 0; j <= i; j++) weights[(n + i) * n + j] = 1 / (i + 1);
  }
  return syntheticResult(weights, syntheticTokens(n));
}
