/**
 * The ONNX `Attention` operator (opset 23, what newer exporters write) opened up into the
 * ops of its own function body, as onnx.reference computes it: q, k, v [B, N, S, H], or
 * [B, S, N·H] with q_num_heads / kv_num_heads, past_key/past_value in front (present_key /
 * present_value = that), each key/value head repeated for its group of query heads,
 * scores = scale · q·kᵀ (1/√head size by default), soft-capped when softcap > 0, plus
 * attn_mask (boolean: false is masked; or additive) and, with is_causal, a mask above the
 * diagonal offset by the past length; Softmax; · v. Masked scores are float32's lowest, so
 * a masked key gets probability exactly 0 (−inf would make a fully masked row NaN).
 */
import type { onnx } from 'onnx-proto';
import { GraphIndex } from '../graphIndex';
import { attend, axisLength, fromHeads, repeatHeads, toHeads, withPast } from './attentionCore';
import { NodeBuilder } from './nodeBuilder';
import { inconsistent, readAttributes, requireNeutral, unsupported } from './fusedAttributes';
import { widthOf } from './projectionWidth';
import { rankOf, recordedDims } from './tensorRank';
import type { UnfuseContext, Unfuser } from './unfuser';

const ATTRIBUTES = {
  is_causal: 'int',
  q_num_heads: 'int',
  kv_num_heads: 'int',
  qk_matmul_output_mode: 'int',
  scale: 'float',
  softcap: 'float',
  softmax_precision: 'int',
} as const;

const MASKED = -3.4028234663852886e38;
const FLOAT = 1;
const BOOL = 9;

export const unfuseOnnxAttention: Unfuser = (node, context) => {
  const a = readAttributes(node, ATTRIBUTES, context);
  requireNeutral(node, a, 'softmax_precision', [1], context, 'a softmax in another precision');
  const [query, key, value, attnMask, pastKey, pastValue, nonPadLengths] = node.input ?? [];
  if (nonPadLengths) throw unsupported(node, context, 'has a nonpad_kv_seqlen input');
  if (node.output?.[3]) throw unsupported(node, context, 'has a qk_matmul_output output');
  if (!query || !key || !value) throw unsupported(node, context, 'lacks Q, K or V');
  const index = new GraphIndex(context.graph);
  const b = new NodeBuilder(context, node.name || node.output?.[0] || 'Attention');
  const threeD = (rankOf(index, query) ?? (a.has('q_num_heads') ? 3 : 4)) === 3;
  const { heads, kvHeads, headSize } = headCounts(index, node, query, threeD, a, context);
  // float32 constants as they are (a computed scale would hide the scaling from findAttention)
  const float32 = (elementType(index, query) ?? FLOAT) === FLOAT;
  const like = (x: string) => (float32 ? x : b.castLike(x, query, FLOAT));
  const q = threeD ? toHeads(b, query, heads) : query;
  const [k, v] = threeD ? [toHeads(b, key, kvHeads), toHeads(b, value, kvHeads)] : [key, value];
  const [, presentKey, presentValue] = node.output ?? [];
  const keys = withPast(b, k, pastKey, presentKey);
  const values = withPast(b, v, pastValue, presentValue);
  const scaleValue = Number(a.get('scale') ?? 0);
  const scale = scaleValue
    ? like(b.scalar(scaleValue))
    : headSize
      ? like(b.scalar(1 / Math.sqrt(headSize)))
      : b.op('Reciprocal', [b.op('Sqrt', [b.castLike(axisLength(b, q, 3), query, FLOAT)])]);
  const softcapValue = Number(a.get('softcap') ?? 0);
  const additive: string[] = [];
  if (attnMask) additive.push(maskTerm(b, index, attnMask, like));
  if (Number(a.get('is_causal') ?? 0) === 1) additive.push(causalTerm(b, q, keys, pastKey, like));
  const out = attend(
    b,
    {
      query: q,
      key: repeatHeads(b, keys, heads, kvHeads),
      value: repeatHeads(b, values, heads, kvHeads),
      scale,
      softcap: softcapValue > 0 ? like(b.scalar(softcapValue)) : undefined,
      additive,
    },
    threeD ? undefined : node.output?.[0],
  );
  if (threeD) fromHeads(b, out, node.output?.[0]);
  return b.nodes;
};

/** A boolean mask becomes 0 / lowest; an additive one is added as it is. */
function maskTerm(
  b: NodeBuilder,
  index: GraphIndex,
  mask: string,
  like: (x: string) => string,
): string {
  if (!isBoolean(index, mask)) return mask;
  return b.op('Where', [mask, like(b.scalar(0)), like(b.scalar(MASKED))]);
}

/** Query i (after a past of P keys) sees keys j ≤ P + i: [S, T], lowest above that. */
function causalTerm(
  b: NodeBuilder,
  q: string,
  keys: string,
  pastKey: string | undefined,
  like: (x: string) => string,
): string {
  const range = (n: string) => b.op('Range', [b.int64([0], []), n, b.int64([1], [])]);
  const rows = b.unsqueeze(range(axisLength(b, q, 2)), [1]);
  const last = pastKey ? b.op('Add', [rows, axisLength(b, pastKey, 2)]) : rows;
  const above = b.op('Greater', [range(axisLength(b, keys, 2)), last]);
  return b.op('Where', [above, like(b.scalar(MASKED)), like(b.scalar(0))]);
}

/** The element type the graph records for `tensor`, if it does. */
function elementType(index: GraphIndex, tensor: string): number | undefined {
  const graph = index.graph;
  const info = [...(graph.input ?? []), ...(graph.valueInfo ?? [])].find((v) => v.name === tensor);
  return info?.type?.tensorType?.elemType ?? undefined;
}

function isBoolean(index: GraphIndex, tensor: string): boolean {
  const recorded = elementType(index, tensor);
  if (recorded !== undefined) return recorded === BOOL;
  const producer = index.producer(tensor);
  if (!producer) return false;
  if (producer.opType === 'Cast') {
    return Number(producer.attribute?.find((x) => x.name === 'to')?.i ?? 0) === BOOL;
  }
  if (
    [
      'Not',
      'And',
      'Or',
      'Xor',
      'Less',
      'Greater',
      'Equal',
      'LessOrEqual',
      'GreaterOrEqual',
    ].includes(producer.opType ?? '')
  ) {
    return true;
  }
  if (
    ['Expand', 'Unsqueeze', 'Reshape', 'Identity', 'Slice', 'Squeeze'].includes(
      producer.opType ?? '',
    )
  ) {
    return isBoolean(index, producer.input?.[0] ?? '');
  }
  return false;
}

interface Heads {
  heads: number;
  kvHeads: number;
  /** The query head size when the graph shows it. */
  headSize?: number;
}

function headCounts(
  index: GraphIndex,
  node: onnx.INodeProto,
  query: string,
  threeD: boolean,
  a: Map<string, number | string>,
  context: UnfuseContext,
): Heads {
  if (!threeD) {
    const dims = recordedDims(index, query);
    const kvDims = recordedDims(index, node.input?.[1] ?? '');
    const heads = typeof dims?.[1] === 'number' ? dims[1] : Number(a.get('q_num_heads') ?? 0);
    const kvHeads = typeof kvDims?.[1] === 'number' ? kvDims[1] : heads;
    if (!heads || !kvHeads || heads % kvHeads !== 0) {
      throw unsupported(
        node,
        context,
        `has 4-D inputs whose head counts the graph does not show (${heads}/${kvHeads})`,
      );
    }
    return { heads, kvHeads, headSize: typeof dims?.[3] === 'number' ? dims[3] : undefined };
  }
  const heads = Number(a.get('q_num_heads') ?? 0);
  const kvHeads = Number(a.get('kv_num_heads') ?? 0);
  const width = widthOf(index, query);
  if (
    heads <= 0 ||
    kvHeads <= 0 ||
    heads % kvHeads !== 0 ||
    (width !== undefined && width % heads !== 0)
  ) {
    throw inconsistent(
      node,
      context,
      `has q_num_heads ${heads} and kv_num_heads ${kvHeads} for a query ${width ?? '?'} wide (num_heads does not match the weights)`,
    );
  }
  return { heads, kvHeads, headSize: width === undefined ? undefined : width / heads };
}
