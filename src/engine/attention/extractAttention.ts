/**
 * Where attention is extracted: the graph outputs named for each layer → the engine's
 * `[heads, N, N]` Float32Array per layer, owned by the caller and safe to transfer.
 * Half-precision outputs become float32; a row that is NaN (a query whose every key was
 * masked, so its softmax divided 0 by 0) becomes a row of zeros: shown and exported as
 * masked, never as NaN.
 */
import { modelError } from '../model/modelError';
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
): Float32Array[] {
  return outputs.map((tensor, layer) => {
    const data = tensor ? asFloat32(tensor) : undefined;
    if (!tensor || !data) {
      throw modelError('badAttentionShape', label, file, `${names[layer]} (layer ${layer}'s attention) is missing or not float32/float16`,
        'Check "outputs.attentions" in manifest.json.');
    }
    const weights = toLayerAttention({ data, dims: tensor.dims }, heads, n, names[layer]);
    const firstRow = sumOfFirstUnmaskedRow(weights, n);
    if (Math.abs(firstRow - 1) > ROW_SUM_TOLERANCE) {
      throw modelError('badAttentionShape', label, file,
        `${names[layer]} is not a probability distribution (its first row sums to ${firstRow.toFixed(4)})`,
        'Check that "outputs.attentions" in manifest.json names the attention probabilities after the softmax.');
    }
    return weights;
  });
}

/** Float32 data of a float32 or float16 tensor; undefined for any other type. */
function asFloat32(tensor: OutputTensor): Float32Array | undefined {
  if (tensor.data instanceof Float32Array) return tensor.data;
  if (tensor.type === 'float16' && tensor.data instanceof Uint16Array) return halfToFloat(tensor.data);
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
          ? fraction === 0 ? sign * Infinity : NaN
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

/** Zeroes NaN rows (fully masked queries) in place and returns the first other row's sum. */
function sumOfFirstUnmaskedRow(weights: Float32Array, n: number): number {
  let first: number | undefined;
  for (let row = 0; row < weights.length / n; row++) {
    const values = weights.subarray(row * n, (row + 1) * n);
    if (values.some(Number.isNaN)) values.fill(0);
    else if (first === undefined) first = values.reduce((a, b) => a + b, 0);
  }
  return first ?? 1;
}
