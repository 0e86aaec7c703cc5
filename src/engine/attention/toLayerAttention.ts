import { ModelError } from '../modelError';

/**
 * Turns one layer's attention output into the engine's `[heads, N, N]` row-major array (a
 * copy the caller owns). Accepts `[1, heads, N, N]` and `[batch·heads, N, N]` with batch 1;
 * throws a `ModelError` naming the output when the shape is anything else.
 */
export function toLayerAttention(
  output: { data: Float32Array; dims: readonly number[] },
  heads: number,
  tokens: number,
  outputName = 'attention output',
): Float32Array {
  const { data, dims } = output;
  const expected = [heads, tokens, tokens];
  const shape = dims.length === 4 && dims[0] === 1 ? dims.slice(1) : dims;
  const matches = shape.length === 3 && shape.every((d, i) => d === expected[i]);
  if (!matches || data.length !== heads * tokens * tokens) {
    throw new ModelError(
      'badAttentionShape',
      'model.onnx',
      `model.onnx: ${outputName} has shape [${dims.join(', ')}], ` +
        `expected [1, ${heads}, ${tokens}, ${tokens}] (batch, heads, query, key). ` +
        'Check "heads" and "outputs.attentions" in manifest.json.',
    );
  }
  return data.slice();
}
