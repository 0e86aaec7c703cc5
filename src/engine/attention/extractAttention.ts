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
    const bad = firstBadRow(weights, n);
    if (bad) {
      const head = Math.floor(bad.row / n);
      throw modelError('badAttentionShape', label, 'model.onnx',
        `${names[layer]} (layer ${layer}, head ${head}) row ${bad.row % n} is not a probability distribution (${bad.why})`,
        'Check that "outputs.attentions" in manifest.json names the attention probabilities after the softmax, and that the weights are finite.');
    }
    return weights;
  });
}

/** The first row (over all heads) that is not finite or does not sum to 1, and why. */
function firstBadRow(weights: Float32Array, n: number): { row: number; why: string } | undefined {
  for (let row = 0; row * n < weights.length; row++) {
    let sum = 0;
    for (let k = row * n; k < (row + 1) * n; k++) sum += weights[k];
    // A NaN or an infinity anywhere in the row makes its sum non-finite.
    if (!Number.isFinite(sum)) {
      const values = weights.subarray(row * n, (row + 1) * n);
      return { row, why: `it holds ${values.some(Number.isNaN) ? 'NaN' : 'an infinity'}` };
    }
    if (Math.abs(sum - 1) > ROW_SUM_TOLERANCE) return { row, why: `it sums to ${sum.toFixed(4)}` };
  }
  return undefined;
}
