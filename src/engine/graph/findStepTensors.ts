import type { onnx } from 'onnx-proto';
import { findAttention } from './findAttention';
import { GraphIndex } from './graphIndex';

/** A Div or Mul by a scalar on the way to the softmax: part of the scale the model applies. */
export interface ScaleFactor {
  /** The operand that is not the scores (or q, or k): a scalar, constant or computed. */
  operand: string;
  /** `Div` divides by the operand, `Mul` multiplies by it. */
  op: 'Div' | 'Mul';
  /** Where it is applied: to q·kᵀ, or folded into the query or the key before the MatMul. */
  at: 'scores' | 'query' | 'key';
}

/**
 * The tensors of one attention layer that its steps are read from, as named in the graph:
 * softmax(f(Q·Kᵀ))·V, found by walking back from the Softmax to the Q·Kᵀ MatMul and forward
 * from it to the MatMul with V.
 */
export interface StepTensors {
  /** The query as the Q·Kᵀ MatMul reads it, [.., N, d] (after rotary; with any folded scale). */
  query: string;
  /** Kᵀ as the MatMul reads it, [.., d, M] (with any folded scale). */
  keyTransposed: string;
  /** The Q·Kᵀ MatMul's output (includes any scale folded into q or k). */
  rawScores: string;
  /** What the Softmax reads: scaled scores plus bias plus mask, [.., N, M]. */
  softmaxInput: string;
  /** The Softmax output, [.., N, M]. */
  probabilities: string;
  /** The second input of the MatMul with the probabilities, [.., M, dv]. */
  value: string;
  /** That MatMul's output: the heads' outputs before they are concatenated, [.., N, dv]. */
  output: string;
  scales: ScaleFactor[];
  /**
   * The cap c of a soft-capping c · tanh(x / c) between the scale and the mask (Gemma 2,
   * GroupQueryAttention's softcap), a one-number tensor; its Div and Mul are not in `scales`.
   */
  softcap?: string;
}

/** Ops the scores may pass through between Q·Kᵀ and the Softmax. */
const SCORE_OPS = new Set([
  'Add',
  'Sub',
  'Where',
  'Div',
  'Mul',
  'Cast',
  'Identity',
  'Dropout',
  'Min',
  'Max',
  'Clip',
  'Tanh',
]);
const PASS_THROUGH = new Set(['Identity', 'Cast', 'Dropout']);

/**
 * The step tensors of every attention layer, in graph order; a layer whose Q·Kᵀ MatMul or
 * MatMul with V is not found as separate nodes is `undefined` (the caller names it).
 */
export function findStepTensors(graph: onnx.IGraphProto): (StepTensors | undefined)[] {
  const index = new GraphIndex(graph);
  return findAttention(graph).map((layer) => {
    const path = pathToScores(index, layer.softmaxInput, 10);
    const matmul = path?.[path.length - 1];
    const pv = valueMatMul(index, layer.probabilities, 3);
    if (!path || !matmul || !pv) return undefined;
    const scales: ScaleFactor[] = [];
    const softcap = softcapOf(index, path);
    for (let i = 0; i < path.length - 1; i++) {
      const node = path[i];
      if (softcap?.nodes.includes(node)) continue;
      if (node.opType !== 'Div' && node.opType !== 'Mul') continue;
      const onPath = path[i + 1].output?.[0];
      const operand = (node.input ?? []).find((input) => input !== onPath);
      if (operand) scales.push({ operand, op: node.opType, at: 'scores' });
    }
    const [query, queryScale] = unscaled(index, matmul.input?.[0] ?? '', 'query');
    const [keyTransposed, keyScale] = unscaled(index, matmul.input?.[1] ?? '', 'key');
    scales.push(...queryScale, ...keyScale);
    return {
      query,
      keyTransposed,
      rawScores: matmul.output?.[0] ?? '',
      softmaxInput: layer.softmaxInput,
      probabilities: layer.probabilities,
      value: pv.input?.[1] ?? '',
      output: pv.output?.[0] ?? '',
      scales,
      ...(softcap ? { softcap: softcap.operand } : {}),
    };
  });
}

/**
 * A soft-cap on the path from the Softmax back to Q·Kᵀ: Mul(Tanh(Div(x, c)), c) with the
 * same constant c; undefined when the path has no Tanh in that shape.
 */
function softcapOf(
  index: GraphIndex,
  path: onnx.INodeProto[],
): { operand: string; nodes: onnx.INodeProto[] } | undefined {
  const at = path.findIndex((node) => node.opType === 'Tanh');
  const [outer, inner] = [path[at - 1], path[at + 1]];
  if (at < 1 || outer?.opType !== 'Mul' || inner?.opType !== 'Div') return undefined;
  const cap = (inner.input ?? [])[1] ?? '';
  const outerCap = (outer.input ?? []).find((input) => input !== path[at].output?.[0]);
  if (!index.isConstant(cap) || outerCap !== cap) return undefined;
  return { operand: cap, nodes: [outer, inner] };
}

/**
 * The nodes from the producer of `tensor` back to the Q·Kᵀ MatMul (a MatMul of two computed
 * tensors), walking only through the ops scores pass through; undefined when none is near.
 */
function pathToScores(
  index: GraphIndex,
  tensor: string,
  depth: number,
): onnx.INodeProto[] | undefined {
  const node = index.producer(tensor);
  if (!node || depth === 0) return undefined;
  const inputs = node.input ?? [];
  if (node.opType === 'MatMul') {
    return inputs.every((i) => !index.isConstant(i)) ? [node] : undefined;
  }
  if (!SCORE_OPS.has(node.opType ?? '')) return undefined;
  // Where's condition is the mask, never the scores.
  for (const input of node.opType === 'Where' ? inputs.slice(1) : inputs) {
    if (!input || index.isConstant(input)) continue;
    const rest = pathToScores(index, input, depth - 1);
    if (rest) return [node, ...rest];
  }
  return undefined;
}

/** The MatMul that takes the probabilities (through Cast/Identity/Dropout) as its first input. */
function valueMatMul(
  index: GraphIndex,
  tensor: string,
  depth: number,
): onnx.INodeProto | undefined {
  for (const consumer of index.consumers(tensor)) {
    if (consumer.opType === 'MatMul' && consumer.input?.[0] === tensor) return consumer;
    if (depth > 0 && PASS_THROUGH.has(consumer.opType ?? '')) {
      const found = valueMatMul(index, consumer.output?.[0] ?? '', depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** Ops that only move or relabel numbers: a scale before them still scales the MatMul input. */
const SHAPE_OPS = new Set(['Transpose', 'Reshape', 'Unsqueeze', 'Squeeze', 'Identity', 'Cast']);

/**
 * A MatMul operand (q or kᵀ) and the scale by a scalar constant folded into it, found by
 * walking back through shape ops: DistilBERT's q / √d right before the MatMul, Marian's
 * q_proj(x) · scaling before the heads are split. The operand is kept as it is; headSteps
 * divides the scale back out.
 */
function unscaled(index: GraphIndex, tensor: string, at: 'query' | 'key'): [string, ScaleFactor[]] {
  let current = tensor;
  for (let step = 0; step < 6; step++) {
    const node = index.producer(current);
    if (!node) break;
    if (isScalarScale(index, node)) {
      const operand = (node.input ?? []).find((i) => index.isConstant(i)) ?? '';
      return [tensor, [{ operand, op: node.opType as 'Div' | 'Mul', at }]];
    }
    if (!SHAPE_OPS.has(node.opType ?? '')) break;
    current = node.input?.[0] ?? '';
  }
  return [tensor, []];
}

/** A Div/Mul of one computed tensor by a one-number constant (Div only with the constant second). */
function isScalarScale(index: GraphIndex, node: onnx.INodeProto): boolean {
  const inputs = node.input ?? [];
  if (inputs.length !== 2) return false;
  const constant = inputs.findIndex((i) => index.isConstant(i));
  if (constant < 0 || index.isConstant(inputs[1 - constant])) return false;
  const size = (index.constantDims(inputs[constant]) ?? []).reduce((a, b) => a * b, 1);
  if (size !== 1) return false;
  return node.opType === 'Mul' || (node.opType === 'Div' && constant === 1);
}
