/**
 * The rank (and, where recorded, the dims) of a tensor as the graph shows it: recorded
 * shapes of inputs, outputs and value_info, initializer dims, or what the producer says
 * (EmbedLayerNormalization's mask_index is 1-D; Cast and Identity keep the rank). A fused
 * node's mask formats differ by rank, so an unfuser must know it before writing any node.
 */
import { type GraphIndex, int64 } from '../graphIndex';

/** One dim: a number when fixed, a name (or undefined) when not. */
export type Dim = number | string | undefined;

/** The dims of `tensor` when the graph records them. */
export function recordedDims(index: GraphIndex, tensor: string): Dim[] | undefined {
  const constant = index.constantDims(tensor);
  if (constant) return constant;
  const graph = index.graph;
  const info = [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])].find(
    (v) => v.name === tensor,
  );
  const dims = info?.type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) =>
    d.dimValue !== undefined && d.dimValue !== null ? int64(d.dimValue) : (d.dimParam ?? undefined),
  );
}

/** Ops whose output has the rank of their first input. */
const SAME_RANK = new Set(['Cast', 'Identity', 'Add', 'Mul', 'Sub', 'Not', 'Neg', 'Relu']);

/** The rank of `tensor`, or undefined when neither its record nor its producer tells. */
export function rankOf(index: GraphIndex, tensor: string, depth = 6): number | undefined {
  const dims = recordedDims(index, tensor);
  if (dims) return dims.length;
  const node = index.producer(tensor);
  if (!node || depth === 0) return undefined;
  if (node.opType === 'EmbedLayerNormalization' && node.output?.[1] === tensor) return 1;
  if (node.opType === 'MatMul' || SAME_RANK.has(node.opType ?? '')) {
    return rankOf(index, node.input?.[0] ?? '', depth - 1);
  }
  if (node.opType === 'EmbedLayerNormalization' || node.opType === 'SkipLayerNormalization') {
    return 3;
  }
  return undefined;
}
