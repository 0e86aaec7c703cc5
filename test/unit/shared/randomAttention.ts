/** fast-check arbitraries for attention-shaped data used by the analysis tests. */
import fc from 'fast-check';

/** A `[heads, n, n]` tensor whose rows sum to 1; causal rows put 0 on future keys. */
export function attentionLayer(n: number, heads: number, causal: boolean) {
  return fc
    .array(fc.float({ min: Math.fround(0.001), max: 1, noNaN: true }), {
      minLength: heads * n * n,
      maxLength: heads * n * n,
    })
    .map((values) => toAttention(values, n, heads, causal));
}

/** Normalises raw positive values into attention rows (the softmax's output shape). */
export function toAttention(values: number[], n: number, heads: number, causal: boolean) {
  const out = new Float32Array(heads * n * n);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      const row = (h * n + i) * n;
      const visible = causal ? i + 1 : n;
      let sum = 0;
      for (let j = 0; j < visible; j++) sum += values[row + j];
      for (let j = 0; j < visible; j++) out[row + j] = values[row + j] / sum;
    }
  }
  return out;
}

/** Asserts every row of an `n × n` block at `offset` sums to 1 (within float32 error). */
export function rowSums(data: Float32Array, n: number, offset = 0): number[] {
  const sums: number[] = [];
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += data[offset + i * n + j];
    sums.push(sum);
  }
  return sums;
}
