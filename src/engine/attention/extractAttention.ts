/**
 * Where attention is extracted: the graph outputs named for each layer → the engine's
 * `[heads, N, N]` Float32Array per layer, owned by the caller and safe to transfer.
 * Half-precision outputs become float32. Every row of every head must be a finite
 * probability distribution: a NaN row would be a query whose every key was masked, and the
 * engine never feeds a mask that hides every key (no padding), so a NaN or an infinity can
 * only come from a broken model; it is reported with its layer, head and row, never
 * exported.
 */
import { modelError } from '../modelError';
import { toLayerAttention } from './toLayerAttention';

/** The part of an ONNX Runtime tensor this module reads. */
export interface OutputTensor {
  data: unknown;
  dims: readonly number[];
  /** ORT's element type name (`float32`, `float16`); float16 data comes as raw Uint16 bits. */
  type?: string;
}

/** Tolerance on row sums before outputs are rejected as "not attention probabilities". */
const ROW_SUM_TOLERANCE = 1e-2;

export function extractAttention(
  outputs: (OutputTensor | undefined)[],
  names: readonly string[],
  heads: number,
  n: number,
  label: string,
  file = 'model.onnx',
  /** Keys per row: `n` for self-attention, the source length for cross-attention. */
  keys = n,
): Float32Array[] {
  return outputs.map((tensor, layer) => {
    const data = tensor ? asFloat32(tensor) : undefined;
    if (!tensor || !data) {
      throw modelError(
        'badAttentionShape',
        label,
        file,
        `${names[layer]} (layer ${layer}'s attention) is missing or not float32/float16`,
        'Check "outputs.attentions" in manifest.json.',
      );
    }
    const weights = toLayerAttention({ data, dims: tensor.dims }, heads, n, names[layer], keys);
    const bad = firstBadRow(weights, keys);
    if (bad) {
      const head = Math.floor(bad.row / n);
      throw modelError(
        'badAttentionShape',
        label,
        file,
        `${names[layer]} (layer ${layer}, head ${head}) row ${bad.row % n} is not a probability distribution (${bad.why})`,
        'Check that "outputs.attentions" in manifest.json names the attention probabilities after the softmax, and that the weights are finite.',
      );
    }
    return weights;
  });
}

/** Float32 data of a float32 or float16 tensor; undefined for any other type. */
export function asFloat32(tensor: OutputTensor): Float32Array | undefined {
  if (tensor.data instanceof Float32Array) return tensor.data;
  if (tensor.type === 'float16' && tensor.data instanceof Uint16Array)
    return halfToFloat(tensor.data);
  return undefined;
}

/** IEEE 754 binary16 bits → float32 values. */
export function halfToFloat(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 0x1f
          ? fraction === 0
            ? sign * Infinity
            : NaN
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
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
