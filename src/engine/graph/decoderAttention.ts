/**
 * Where cross-attention is split from self-attention: in an encoder-decoder's decoder graph
 * every attention Softmax is one or the other, told apart by walking back from its keys.
 * Cross-attention's keys are a projection of `encoder_hidden_states` (the encoder's output,
 * a graph input); self-attention's are a projection of the decoder's own hidden state.
 * The walk goes through the reshapes, transposes and the bias of the key projection to the
 * projection's MatMul and looks at what it projects; it never follows the residual stream,
 * whose later layers do depend on the encoder through earlier cross-attention.
 *
 * In a merged decoder (`decoder_model_merged.onnx`) the attention lies in both branches of
 * its If; both are exposed and the no-past (else) branch, which runs, is classified.
 */
import type { onnx } from 'onnx-proto';
import { exposeIfAttention, findIfAttention } from './exposeIfAttention';
import { exposeTensors } from './exposeTensors';
import { findAttention, type AttentionTensors } from './findAttention';
import { GraphIndex } from './graphIndex';

/** The input through which a decoder graph reads the encoder's output (Optimum's name). */
export const ENCODER_HIDDEN_STATES = 'encoder_hidden_states';

/** A decoder graph's attention, made into graph outputs, in layer order. */
export interface DecoderAttentionOutputs {
  selfOutputs: string[];
  crossOutputs: string[];
  /** Set when the Softmax nodes lie in the branches of an If (merged decoder). */
  inIf?: string;
}

/** What was found, for messages when the counts are wrong. */
export interface DecoderAttentionCount {
  softmax: number;
  cross: number;
}

const RESHAPING = new Set([
  'Transpose',
  'Reshape',
  'Cast',
  'Identity',
  'Unsqueeze',
  'Squeeze',
  'Flatten',
]);
const ELEMENTWISE = new Set(['Add', 'Mul', 'Div', 'Sub']);

/** True when the attention's keys are a projection of `encoder_hidden_states`. */
export function isCrossAttention(index: GraphIndex, attention: AttentionTensors): boolean {
  const projected = projectionInput(index, attention.keyTransposed);
  return projected !== undefined && passThrough(index, projected) === ENCODER_HIDDEN_STATES;
}

/**
 * Finds the decoder's self- and cross-attention and exposes their probabilities (mutating
 * `model`). Returns undefined with the counts when they are not `layers` of each.
 */
export function exposeDecoderAttention(
  model: onnx.IModelProto,
  layers: number,
): DecoderAttentionOutputs | DecoderAttentionCount {
  const graph = model.graph as onnx.IGraphProto;
  const plain = findAttention(graph);
  if (plain.length > 0) {
    const cross = classify(graph, plain);
    const counted = check(cross, layers);
    if (counted) return counted;
    const names = exposeTensors(
      model,
      plain.map((a) => a.probabilities),
    );
    return split(names, cross);
  }
  const inIf = findIfAttention(graph);
  if (!inIf) return { softmax: 0, cross: 0 };
  const elseBranch = inIf.node.attribute?.find((a) => a.name === 'else_branch')
    ?.g as onnx.IGraphProto;
  const cross = classify(elseBranch, findAttention(elseBranch));
  const counted = check(cross, layers);
  if (counted) return counted;
  const names = exposeIfAttention(model, inIf);
  return { ...split(names, cross), inIf: inIf.node.name || 'If' };
}

/**
 * Per attention Softmax of the graph that runs (the graph, or a merged decoder's no-past
 * branch), in `findAttention` order: true for cross-attention. The head steps use it to
 * split the step tensors the same way the attention outputs are split.
 */
export function crossAttentionFlags(model: onnx.IModelProto): boolean[] {
  const graph = model.graph as onnx.IGraphProto;
  const plain = findAttention(graph);
  if (plain.length > 0) return classify(graph, plain);
  const inIf = findIfAttention(graph);
  const elseBranch = inIf?.node.attribute?.find((a) => a.name === 'else_branch')?.g;
  return elseBranch ? classify(elseBranch, findAttention(elseBranch)) : [];
}

function classify(graph: onnx.IGraphProto, found: AttentionTensors[]): boolean[] {
  const index = new GraphIndex(graph);
  return found.map((attention) => isCrossAttention(index, attention));
}

function check(cross: boolean[], layers: number): DecoderAttentionCount | undefined {
  const crossCount = cross.filter(Boolean).length;
  return crossCount === layers && cross.length === 2 * layers
    ? undefined
    : { softmax: cross.length, cross: crossCount };
}

function split(names: string[], cross: boolean[]): DecoderAttentionOutputs {
  return {
    selfOutputs: names.filter((_, i) => !cross[i]),
    crossOutputs: names.filter((_, i) => cross[i]),
  };
}

/** From Kᵀ back to the tensor the key projection's MatMul multiplies by its weight. */
function projectionInput(index: GraphIndex, keyTransposed: string | undefined): string | undefined {
  let tensor = keyTransposed;
  for (let step = 0; tensor !== undefined && step < 12; step++) {
    const node = index.producer(tensor);
    if (!node) return undefined;
    const op = node.opType ?? '';
    const inputs = node.input ?? [];
    if (RESHAPING.has(op)) tensor = inputs[0];
    else if (ELEMENTWISE.has(op)) {
      const computed = inputs.filter((i) => !index.isConstant(i));
      tensor = computed.length === 1 ? computed[0] : undefined;
    } else if (op === 'MatMul' || op === 'Gemm') {
      return inputs[1] !== undefined && index.isConstant(inputs[1]) ? inputs[0] : undefined;
    } else return undefined;
  }
  return undefined;
}

/** The tensor, or the graph input it is an Identity/Cast of. */
function passThrough(index: GraphIndex, tensor: string): string {
  let current = tensor;
  for (
    let node = index.producer(current);
    node && (node.opType === 'Identity' || node.opType === 'Cast');
    node = index.producer(current)
  ) {
    current = node.input?.[0] ?? '';
  }
  return current;
}
