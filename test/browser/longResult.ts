/**
 * A synthetic causal result of 2,048 tokens, one layer of two heads (issue 22: long enough
 * that the matrix view draws from tiles): head 0 attends to the previous token, head 1
 * evenly to every token up to its own, so their mean at (i, i − 1) is (1 + 1/(i + 1)) / 2
 * and their maximum there is 1.
 */
import type { InspectResult, Token } from '../../src/engine/types';

export const N = 2048;

/** A causal result of `N` tokens, one layer: head 0 attends to the previous token, head 1 evenly. */
export function longResult(): InspectResult {
  const tokens: Token[] = Array.from({ length: N }, (_, i) => ({
    id: i % 500,
    text: `t${i}`,
    start: i * 3,
    end: i * 3 + 2,
    special: false,
  }));
  const weights = new Float32Array(2 * N * N);
  for (let i = 0; i < N; i++) {
    weights[i * N + Math.max(0, i - 1)] = 1;
    for (let j = 0; j <= i; j++) weights[(N + i) * N + j] = 1 / (i + 1);
  }
  return {
    attentions: [weights],
    model: {
      id: 'synthetic-long',
      name: 'Synthetic long',
      architecture: 'decoder',
      layers: 1,
      heads: 2,
      hiddenSize: 64,
      vocabSize: 1000,
      maxPositions: N,
      dir: '/synthetic',
    },
    text: tokens.map((t) => `${t.text} `).join(''),
    tokens,
    timings: { tokenizeMs: 0, inferenceMs: 0, totalMs: 0 },
  };
}
