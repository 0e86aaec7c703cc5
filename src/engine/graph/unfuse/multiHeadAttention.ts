/**
 * `com.microsoft.MultiHeadAttention` (what ONNX Runtime's transformer optimizer writes for
 * decoders with separate past key/value, GPT-2, BART, Whisper) opened up into standard ops
 * that compute what its CPU kernel computes: query, key and value [B, S, D] (key and value
 * may instead be [B, N, L, H], already split into heads) plus their parts of the packed
 * bias [Dq + Dk + Dv], split into num_heads heads, past_key/past_value [B, N, P, H] in front
 * (present_key/present_value = that), scores = scale · q·kᵀ plus attention_bias plus the
 * contrib mask (contribMask.ts: key_padding_mask as key lengths [B], raw [B, T] or
 * [B, S, T], causal when unidirectional), Softmax, · v. Packed QKV [B, S, N, 3, H] and
 * packed KV [B, L, N, 2, H] are refused: the CPU kernel does not run them either.
 */
import type { onnx } from 'onnx-proto';
import { GraphIndex } from '../graphIndex';
import { attendMerged, axisLength, toHeads, withPast } from './attentionCore';
import { contribMask, type MaskFormat } from './contribMask';
import { inconsistent, readAttributes, unsupported } from './fusedAttributes';
import { NodeBuilder } from './nodeBuilder';
import { widthOf } from './projectionWidth';
import { rankOf } from './tensorRank';
import type { UnfuseContext, Unfuser } from './unfuser';

const ATTRIBUTES = {
  num_heads: 'int',
  unidirectional: 'int',
  mask_filter_value: 'float',
  scale: 'float',
} as const;

export const unfuseMultiHeadAttention: Unfuser = (node, context) => {
  const a = readAttributes(node, ATTRIBUTES, context);
  const [query, key, value, bias, keyPadding, attentionBias, pastKey, pastValue, ...more] =
    node.input ?? [];
  if (more.some(Boolean)) {
    throw unsupported(node, context, 'has a past_sequence_length or cache_indirection input');
  }
  if ((node.output ?? []).slice(3).some(Boolean)) {
    throw unsupported(node, context, 'has a qk output');
  }
  const index = new GraphIndex(context.graph);
  const heads = Number(a.get('num_heads') ?? 0);
  if (!query || !key || !value) {
    throw unsupported(node, context, 'has packed QKV (no key and value inputs)');
  }
  const keyRank = rankOf(index, key) ?? 3;
  if ((rankOf(index, query) ?? 3) !== 3 || keyRank === 5) {
    throw unsupported(node, context, 'has packed QKV or packed KV inputs');
  }
  const headsFirst = keyRank === 4;
  if (headsFirst && (bias || pastKey)) {
    throw unsupported(
      node,
      context,
      'has key and value in heads-first layout with a bias or a past',
    );
  }
  const qWidth = checkedWidth(index, node, query, heads, context);
  const b = new NodeBuilder(context, node.name || node.output?.[0] || 'MultiHeadAttention');
  const kWidth = headsFirst ? 0 : (widthOf(index, key) ?? qWidth);
  const biased = (x: string, from: number, to: number) =>
    bias ? b.op('Add', [x, b.slice(bias, from, to, 0)]) : x;
  const q = toHeads(b, biased(query, 0, qWidth), heads);
  const [k, v] = headsFirst
    ? [key, value]
    : [
        toHeads(b, biased(key, qWidth, qWidth + kWidth), heads),
        toHeads(b, biased(value, qWidth + kWidth, Number.MAX_SAFE_INTEGER), heads),
      ];
  const [, presentKey, presentValue] = node.output ?? [];
  const keys = withPast(b, k, pastKey, presentKey);
  const values = withPast(b, v, pastValue, presentValue);
  const mask = contribMask(b, {
    mask: keyPadding
      ? { tensor: keyPadding, format: paddingFormat(index, node, keyPadding, context) }
      : undefined,
    unidirectional: Number(a.get('unidirectional') ?? 0) === 1,
    filter: Number(a.get('mask_filter_value') ?? -10000),
    keys,
    queries: q,
    pastLength: pastKey ? axisLength(b, pastKey, 2) : undefined,
  });
  attendMerged(b, {
    query: q,
    key: keys,
    value: values,
    scale: a.get('scale'),
    width: qWidth,
    heads,
    additive: [attentionBias, mask],
    output: node.output?.[0],
  });
  return b.nodes;
};

/** The query's width, which must be a whole number of num_heads heads. */
function checkedWidth(
  index: GraphIndex,
  node: onnx.INodeProto,
  query: string,
  heads: number,
  context: UnfuseContext,
): number {
  const width = widthOf(index, query);
  if (width === undefined) {
    throw unsupported(node, context, `has a query "${query}" whose width the graph does not show`);
  }
  if (heads <= 0 || width % heads !== 0) {
    throw inconsistent(
      node,
      context,
      `has num_heads ${heads}, but its query is ${width} wide (not a whole number of heads; num_heads does not match the weights)`,
    );
  }
  return width;
}

function paddingFormat(
  index: GraphIndex,
  node: onnx.INodeProto,
  mask: string,
  context: UnfuseContext,
): MaskFormat {
  const rank = rankOf(index, mask);
  if (rank === 1) return 'keyLengths';
  if (rank === 2) return 'raw2d';
  if (rank === 3) return 'raw3d';
  throw unsupported(
    node,
    context,
    rank === undefined
      ? `has a key_padding_mask "${mask}" whose rank the graph does not show`
      : `has a ${rank}-D key_padding_mask (a format the CPU kernel does not run)`,
  );
}
