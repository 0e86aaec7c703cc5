/**
 * `com.microsoft.Attention` (what ONNX Runtime's transformer optimizer, and so Optimum's
 * --optimize O2/O3, writes for BERT-like self-attention) opened up into standard ops that
 * compute what its CPU kernel computes: input · weights + bias (q, k, v packed along the
 * last axis, widths from qkv_hidden_sizes or thirds), split into num_heads heads, the past
 * [2, B, N, P, H] in front of k and v (present = that, stacked), scores = scale · q·kᵀ
 * (scale 1/√head size unless the attribute says), plus attention_bias and the contrib mask
 * (contribMask.ts: mask_index as key lengths, end/start, raw 2-D or 3-D, with the causal
 * mask when unidirectional), Softmax, · v. The output names stay those of the fused node.
 */
import type { onnx } from 'onnx-proto';
import { GraphIndex } from '../graphIndex';
import { attendMerged, toHeads, withPast } from './attentionCore';
import { contribMask, type MaskFormat } from './contribMask';
import { inconsistent, readAttributes, requireNeutral, unsupported } from './fusedAttributes';
import { NodeBuilder } from './nodeBuilder';
import { rankOf, recordedDims } from './tensorRank';
import type { UnfuseContext, Unfuser } from './unfuser';
import { int64 } from '../graphIndex';

const ATTRIBUTES = {
  num_heads: 'int',
  unidirectional: 'int',
  mask_filter_value: 'float',
  scale: 'float',
  do_rotary: 'int',
  rotary_embedding_dim: 'int',
  past_present_share_buffer: 'int',
} as const;

export const unfuseAttention: Unfuser = (node, context) => {
  // qkv_hidden_sizes is a list, which readAttributes does not read: taken out first
  const sizes = node.attribute?.find((x) => x.name === 'qkv_hidden_sizes')?.ints?.map(int64);
  const rest = node.attribute?.filter((x) => x.name !== 'qkv_hidden_sizes');
  const a = readAttributes({ ...node, attribute: rest }, ATTRIBUTES, context);
  requireNeutral(node, a, 'do_rotary', [0], context, 'rotary embeddings inside the node');
  requireNeutral(
    node,
    a,
    'past_present_share_buffer',
    [0],
    context,
    'a shared past/present buffer',
  );
  const [input, weights, bias, maskIndex, past, attentionBias, pastLength] = node.input ?? [];
  if (pastLength) throw unsupported(node, context, 'has a past_sequence_length input');
  if ((node.output ?? []).length > 2 && node.output?.[2]) {
    throw unsupported(node, context, 'has a third output');
  }
  const index = new GraphIndex(context.graph);
  const heads = Number(a.get('num_heads') ?? 0);
  const [qWidth, kWidth, vWidth] = packedWidths(index, node, weights ?? '', sizes, heads, context);
  const b = new NodeBuilder(context, node.name || node.output?.[0] || 'Attention');

  let qkv = b.op('MatMul', [input ?? '', weights ?? '']);
  if (bias) qkv = b.op('Add', [qkv, bias]);
  const q = toHeads(b, b.slice(qkv, 0, qWidth, 2), heads);
  const k = toHeads(b, b.slice(qkv, qWidth, qWidth + kWidth, 2), heads);
  const v = toHeads(b, b.slice(qkv, qWidth + kWidth, qWidth + kWidth + vWidth, 2), heads);
  const pastPart = (i: number) =>
    past ? b.op('Gather', [past, b.int64([i], [])], { axis: 0 }) : undefined;
  const keys = withPast(b, k, pastPart(0));
  const values = withPast(b, v, pastPart(1));
  const present = node.output?.[1];
  if (present) {
    b.op('Concat', [b.unsqueeze(keys, [0]), b.unsqueeze(values, [0])], { axis: 0 }, present);
  }
  const mask = contribMask(b, {
    mask: maskIndex
      ? { tensor: maskIndex, format: attentionMaskFormat(index, node, maskIndex, context) }
      : undefined,
    unidirectional: Number(a.get('unidirectional') ?? 0) === 1,
    filter: Number(a.get('mask_filter_value') ?? -10000),
    keys,
    queries: q,
    pastLength: past ? b.op('Gather', [b.op('Shape', [past]), b.int64([3], [])]) : undefined,
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

/** Widths of q, k and v in the packed projection, checked against num_heads. */
function packedWidths(
  index: GraphIndex,
  node: onnx.INodeProto,
  weights: string,
  sizes: number[] | undefined,
  heads: number,
  context: UnfuseContext,
): [number, number, number] {
  const dims = index.constantDims(weights);
  if (dims?.length !== 2) {
    throw unsupported(node, context, `has weights "${weights}" that are not a constant 2-D tensor`);
  }
  const packed = dims[1];
  const widths: [number, number, number] =
    sizes && sizes.length === 3
      ? [sizes[0], sizes[1], sizes[2]]
      : [packed / 3, packed / 3, packed / 3];
  if (widths[0] + widths[1] + widths[2] !== packed || widths[0] !== widths[1]) {
    throw inconsistent(
      node,
      context,
      `has qkv_hidden_sizes ${JSON.stringify(sizes ?? [])} that do not split its weights' ${packed} columns into q, k, v`,
    );
  }
  if (heads <= 0 || !widths.every((w) => Number.isInteger(w / heads))) {
    throw inconsistent(
      node,
      context,
      `has num_heads ${heads}, but its q/k/v widths are ${widths.join('/')} (not a whole number of heads; num_heads does not match the weights)`,
    );
  }
  return widths;
}

/** The mask_index format, from its rank (and, for 1-D, whether it holds start positions too). */
function attentionMaskFormat(
  index: GraphIndex,
  node: onnx.INodeProto,
  mask: string,
  context: UnfuseContext,
): MaskFormat {
  const rank = rankOf(index, mask);
  if (rank === 2) return 'raw2d';
  if (rank === 3) return 'raw3d';
  if (rank === 1) {
    if (index.producer(mask)?.opType === 'EmbedLayerNormalization') return 'keyLengths';
    const length = recordedDims(index, mask)?.[0];
    const batch = recordedDims(index, node.input?.[0] ?? '')?.[0];
    if (length !== undefined && length === batch) return 'keyLengths';
    if (typeof length === 'number' && typeof batch === 'number' && length === 2 * batch) {
      return 'endStart';
    }
    throw unsupported(
      node,
      context,
      `has a 1-D mask_index "${mask}" whose length (batch for key lengths, 2 × batch for end and start positions) the graph does not show`,
    );
  }
  throw unsupported(
    node,
    context,
    rank === undefined
      ? `has a mask_index "${mask}" whose rank the graph does not show`
      : `has a ${rank}-D mask_index (a format the CPU kernel does not run)`,
  );
}
