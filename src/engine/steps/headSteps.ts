/**
 * One head's steps cut out of a layer's step tensors (as ONNX Runtime returned them). Only
 * the requested head is copied out: every array it returns is its own, safe to transfer.
 *
 * The bias and the mask are not traced through the graph (exports build them from many
 * ops: Where, Add of an additive mask, a relative-position Gather…); they are what the
 * softmax input holds beyond scale · q·kᵀ, soft-capped to c · tanh(scale · q·kᵀ / c) where
 * the model caps its logits: A = softmaxInput − that. A key is masked where A is below
 * `MASKED_BELOW` (masks add −∞ or the float minimum); the rest of A is the bias, reported
 * when it is not zero within float rounding.
 */
import type { HeadSteps, HeadStepsRequest } from '../types';

/** The part of an ONNX Runtime tensor read here. */
export interface StepTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** The step tensors of one layer (names as in `StepTensors`), scale operands as scalars. */
export interface LayerStepTensors {
  query: StepTensor;
  keyTransposed: StepTensor;
  rawScores: StepTensor;
  softmaxInput: StepTensor;
  value: StepTensor;
  output: StepTensor;
  scales: { value: number; op: 'Div' | 'Mul'; at: 'scores' | 'query' | 'key' }[];
  /** The cap c of a soft-capping c · tanh(x / c) after the scale, when the model has one. */
  softcap?: number;
}

/**
 * Additive terms below this remove the key (HF masks add the float minimum, others −∞ or
 * −1e9; ONNX Runtime's contrib Attention and MultiHeadAttention add mask_filter_value,
 * −10000 by default, which un-fused graphs keep so that their outputs stay the same).
 */
export const MASKED_BELOW = -5e3;
/** |A| up to this (relative to the softmax input) is float rounding, not a bias. */
const BIAS_TOLERANCE = 1e-4;

export function headSteps(
  tensors: LayerStepTensors,
  request: HeadStepsRequest,
  heads: number,
  /** Key/value heads before any repeat (from the past inputs); else counted in the key tensor. */
  kvHeads?: number,
): HeadSteps {
  const { head } = request;
  const [n, d] = lastTwo(tensors.query);
  const m = lastTwo(tensors.keyTransposed)[1];
  const dv = lastTwo(tensors.value)[1];
  const q = slice(tensors.query, head, heads, n * d);
  const kvHeadCount = kvHeads ?? tensors.keyTransposed.data.length / (d * m);
  const kvHead = Math.floor((head * kvHeadCount) / heads);
  const kt = slice(tensors.keyTransposed, head, heads, d * m);
  const k = transpose(kt, d, m);
  const v = slice(tensors.value, head, heads, m * dv);
  const factor = (at: string) =>
    tensors.scales
      .filter((s) => at === '' || s.at === at)
      .reduce((product, s) => product * (s.op === 'Mul' ? s.value : 1 / s.value), 1);
  const scale = factor('');
  const [foldedQ, foldedK] = [factor('query'), factor('key')];
  const folded = foldedQ * foldedK;
  // A scale folded into q or k is in the MatMul's inputs and output: take it out, so that
  // q and k are the projections and scores = q·kᵀ.
  const qPlain = foldedQ === 1 ? q : q.map((x) => x / foldedQ);
  const kPlain = foldedK === 1 ? k : k.map((x) => x / foldedK);
  const raw = slice(tensors.rawScores, head, heads, n * m);
  // A scale folded into q or k is in the MatMul's output: take it out, so scores = q·kᵀ.
  const scores = folded === 1 ? raw : raw.map((x) => x / folded);
  const input = slice(tensors.softmaxInput, head, heads, n * m);
  const masked = new Uint8Array(n * m);
  const bias = new Float32Array(n * m);
  let hasBias = false;
  const cap = tensors.softcap;
  for (let i = 0; i < n * m; i++) {
    const scaled = scale * scores[i];
    const extra = input[i] - (cap ? cap * Math.tanh(scaled / cap) : scaled);
    if (!(extra >= MASKED_BELOW)) {
      masked[i] = 1;
      continue;
    }
    bias[i] = extra;
    if (Math.abs(extra) > BIAS_TOLERANCE * (1 + Math.abs(input[i]))) hasBias = true;
  }
  const scaleAt = [...new Set(tensors.scales.map((s) => s.at))];
  return {
    ...request,
    n,
    m,
    d,
    dv,
    q: qPlain,
    k: kPlain,
    v,
    kvHead,
    scores,
    scale,
    scaleAt,
    ...(cap ? { softcap: cap } : {}),
    bias: hasBias ? bias : null,
    masked,
    output: slice(tensors.output, head, heads, n * dv),
  };
}

function lastTwo(tensor: StepTensor): [number, number] {
  const { dims } = tensor;
  return [dims[dims.length - 2] ?? 1, dims[dims.length - 1] ?? 1];
}

/**
 * The block of `size` values for query head `head` of a tensor holding `count` blocks;
 * with fewer blocks than heads (grouped key/value heads), head h reads block h·count/heads.
 */
function slice(tensor: StepTensor, head: number, heads: number, size: number): Float32Array {
  const count = tensor.data.length / size;
  if (!Number.isInteger(count) || count < 1 || (heads % count !== 0 && count % heads !== 0)) {
    throw new Error(
      `a step tensor of shape [${tensor.dims.join(', ')}] does not hold ${heads} heads of ${size} values`,
    );
  }
  const block = Math.floor((head * count) / heads);
  return tensor.data.slice(block * size, (block + 1) * size);
}

function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c];
  return out;
}
