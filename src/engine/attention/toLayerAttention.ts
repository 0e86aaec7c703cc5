import { ModelError } from '../modelError';

/**
 * Turns one layer's attention output into the engine's `[heads, N, K]` row-major array (a
 * copy the caller owns; K = N but for cross-attention, whose keys are the source tokens).
 * Accepts `[1, heads, N, K]` and `[batch·heads, N, K]` with batch 1; throws a `ModelError`
 * naming the output when the shape is anything else.
 */
export function toLayerAttention(
  output: { data: Float32Array; dims: readonly number[] },
  heads: number,
  tokens: number,
  outputName = 'attention output',
  keys = tokens,
): Float32Array {
  const { data, dims } = output;
  const expected = [heads, tokens, keys];
  const shape = dims.length === 4 && dims[0] === 1 ? dims.slice(1) : dims;
  const matches = shape.length === 3 && shape.every((d, i) => d === expected[i]);
  if (!matches || data.length !== heads * tokens * keys) {
    throw new ModelError(
      'badAttentionShape',
      'model.onnx',
      `model.onnx: ${outputName} has shape [${dims.join(', ')}], ` +
        `expected [1, ${heads}, ${tokens}, ${keys}] (batch, heads, query, key). ` +
        'Check "heads" and "outputs.attentions" in manifest.json.',
    );
  }
  return data.slice();
}
