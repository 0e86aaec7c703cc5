/** What every part of the evaluation needs: the model's shape, where things are, and a way to run ids. */
export interface RunOutputs {
  /** Per layer `[heads, n, n]`. */
  attentions: Float32Array[];
  /** `[n, vocab]`. */
  logits: Float32Array;
}
export type RunIds = (ids: number[]) => Promise<RunOutputs>;

export interface EvalContext {
  root: string;
  /** The model folder. */
  model: string;
  /** The tokenizer's output folder (train.bin, test.bin). */
  data: string;
  vocab: number;
  layers: number;
  heads: number;
  ctx: number;
  run: RunIds;
}

/** attention(layer)[h, i, j] for a run of n tokens. */
export const at = (a: Float32Array, n: number, h: number, i: number, j: number): number =>
  a[(h * n + i) * n + j];

/** The heads with the highest scores, as `layer.head (score)`. */
export function topHeads(heads: number, scores: number[], count = 3): string {
  return scores
    .map((x, i) => ({ x, i }))
    .sort((a, b) => b.x - a.x)
    .slice(0, count)
    .map(({ x, i }) => `${Math.floor(i / heads)}.${i % heads} (${x.toFixed(2)})`)
    .join(', ');
}

/** The best head and its score. */
export function best(heads: number, scores: number[]): { head: string; score: number } {
  const i = scores.indexOf(Math.max(...scores));
  return { head: `${Math.floor(i / heads)}.${i % heads}`, score: scores[i] };
}
