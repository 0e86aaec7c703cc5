/**
 * Where attention is extracted: the graph outputs named for each layer → the engine's
 * `[heads, N, N]` Float32Array per layer, owned by the caller and safe to transfer.
 */
import { modelError } from '../model/modelError';
import { toLayerAttention } from './toLayerAttention';

/** The part of an ONNX Runtime tensor this module reads. */
export interface OutputTensor {
  data: unknown;
  dims: readonly number[];
}

/** Tolerance on row sums before outputs are rejected as "not attention probabilities". */
const ROW_SUM_TOLERANCE = 1e-2;

export function extractAttention(
  outputs: (OutputTensor | undefined)[],
  names: readonly string[],
  heads: number,
  n: number,
  label: string,
): Float32Array[] {
  return outputs.map((tensor, layer) => {
    if (!tensor || !(tensor.data instanceof Float32Array)) {
      throw modelError('badAttentionShape', label, 'model.onnx', `${names[layer]} (layer ${layer}'s attention) is missing or not float32`,
        'Check "outputs.attentions" in manifest.json.');
    }
    const weights = toLayerAttention({ data: tensor.data, dims: tensor.dims }, heads, n, names[layer]);
    const firstRow = weights.subarray(0, n).reduce((a, b) => a + b, 0);
    if (Math.abs(firstRow - 1) > ROW_SUM_TOLERANCE) {
      throw modelError('badAttentionShape', label, 'model.onnx',
        `${names[layer]} is not a probability distribution (its first row sums to ${firstRow.toFixed(4)})`,
        'Check that "outputs.attentions" in manifest.json names the attention probabilities after the softmax.');
    }
    return weights;
  });
}
