import type { onnx } from 'onnx-proto';
import { GraphIndex } from './graphIndex';

/**
 * The tensors of one attention computation, softmax(mask(scale(Q·Kᵀ)))·V, as named in the
 * graph. Only `probabilities` is always found; the steps before it are found when the graph
 * computes them as separate MatMul / Div|Mul / Add|Where nodes (the unfused PyTorch and
 * Hugging Face exports do), and may come in either order (scale then mask, or mask then scale).
 */
export interface AttentionTensors {
  /** The Softmax output: attention probabilities, [batch, heads, N, N]. */
  probabilities: string;
  /** What the Softmax read: the scores after scaling and masking. */
  softmaxInput: string;
  /** Output of the masking Add (additive mask) or Where (masked_fill), if any. */
  maskedScores?: string;
  /** Output of the scaling Div/Mul by a constant (1/√d), if any. */
  scaledScores?: string;
  /** Output of the MatMul Q·Kᵀ, before scaling and masking. */
  rawScores?: string;
  /** First MatMul input, [batch, heads, N, headDim] (possibly already scaled). */
  query?: string;
  /** Second MatMul input: Kᵀ, [batch, heads, headDim, N]. */
  keyTransposed?: string;
}

/** Which of the per-layer attention tensors to expose (see `exposeTensors`). */
export type AttentionStep = keyof AttentionTensors;

/** Ops that only relabel or convert a tensor; walked through when tracing the pattern. */
const PASS_THROUGH = new Set(['Identity', 'Cast', 'Dropout']);
/** Ops that compute attention internally without ever exposing the probabilities. */
const FUSED_ATTENTION = new Set([
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'DecoderAttention',
  'DecoderMaskedSelfAttention',
  'DecoderMaskedMultiHeadAttention',
  'LongformerAttention',
  'SparseAttention',
  'QAttention',
  'QOrderedAttention',
  'PagedAttention',
]);

/**
 * Finds each attention Softmax in graph order: a Softmax whose output (through Cast,
 * Identity or Dropout) is the first input of a MatMul (probabilities · V). A softmax over
 * logits at the end of a model does not qualify.
 */
export function findAttention(graph: onnx.IGraphProto): AttentionTensors[] {
  const index = new GraphIndex(graph);
  const found: AttentionTensors[] = [];
  for (const node of index.nodes) {
    if (node.opType !== 'Softmax' || (node.domain ?? '') !== '') continue;
    const probabilities = node.output?.[0] ?? '';
    if (!feedsMatMul(index, probabilities)) continue;
    found.push(traceScores(index, probabilities, node.input?.[0] ?? ''));
  }
  return found;
}

/** A fused attention node: `op` as `domain.OpType` (e.g. `com.microsoft.Attention`), its name. */
export interface FusedAttention {
  op: string;
  node: string;
}

/** Fused attention nodes in graph order, also inside If branches (merged decoders). */
export function findFusedAttention(graph: onnx.IGraphProto): FusedAttention[] {
  return (graph.node ?? []).flatMap((n): FusedAttention[] => {
    if (FUSED_ATTENTION.has(n.opType ?? '')) {
      return [
        {
          op: `${n.domain || 'ai.onnx'}.${n.opType}`,
          node: n.name || `(unnamed, output "${n.output?.[0] ?? ''}")`,
        },
      ];
    }
    if (n.opType !== 'If') return [];
    return (n.attribute ?? []).flatMap((a) => (a.g ? findFusedAttention(a.g) : []));
  });
}

function feedsMatMul(index: GraphIndex, tensor: string, depth = 3): boolean {
  return index.consumers(tensor).some((c) => {
    if (c.opType === 'MatMul') return c.input?.[0] === tensor;
    return (
      depth > 0 &&
      PASS_THROUGH.has(c.opType ?? '') &&
      feedsMatMul(index, c.output?.[0] ?? '', depth - 1)
    );
  });
}

/** Walks back from the Softmax input to the Q·Kᵀ MatMul, naming each step it recognises. */
function traceScores(
  index: GraphIndex,
  probabilities: string,
  softmaxInput: string,
): AttentionTensors {
  const found: AttentionTensors = { probabilities, softmaxInput };
  let tensor = softmaxInput;
  for (let step = 0; step < 6; step++) {
    const node = index.producer(tensor);
    const op = node?.opType ?? '';
    const inputs = node?.input ?? [];
    let next: string | undefined;
    if (PASS_THROUGH.has(op)) next = inputs[0];
    else if ((op === 'Add' || op === 'Where') && !found.maskedScores && !found.rawScores) {
      found.maskedScores = tensor;
      next = scoresInput(index, op === 'Where' ? inputs.slice(1) : inputs);
    } else if ((op === 'Div' || op === 'Mul') && !found.scaledScores) {
      found.scaledScores = tensor;
      next = inputs.find((i) => !index.isConstant(i));
    } else if (op === 'MatMul') {
      found.rawScores = tensor;
      found.query = inputs[0];
      found.keyTransposed = inputs[1];
    }
    if (next === undefined) break;
    tensor = next;
  }
  return found;
}

/** Of the operands of a masking op, the one that carries the scores (not the mask). */
function scoresInput(index: GraphIndex, operands: string[]): string | undefined {
  return operands.find((operand) => reachesScores(index, operand, 4));
}

/** True when the tensor comes from a MatMul of two computed tensors (Q·Kᵀ), maybe scaled. */
function reachesScores(index: GraphIndex, tensor: string, depth: number): boolean {
  const node = index.producer(tensor);
  const inputs = node?.input ?? [];
  if (!node || depth === 0) return false;
  if (node.opType === 'MatMul') return inputs.every((i) => !index.isConstant(i));
  if (PASS_THROUGH.has(node.opType ?? '')) return reachesScores(index, inputs[0] ?? '', depth - 1);
  if (node.opType === 'Div' || node.opType === 'Mul') {
    const computed = inputs.filter((i) => !index.isConstant(i));
    return computed.length === 1 && reachesScores(index, computed[0] ?? '', depth - 1);
  }
  return false;
}
