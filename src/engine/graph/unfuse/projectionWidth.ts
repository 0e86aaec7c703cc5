/**
 * How wide a fused attention node's q/k/v inputs are, read from the weights that produce
 * them (MatMul with a constant, MatMulNBits' and MatMulBnb4's N, a bias Add) or the recorded shapes, so the
 * head size is known and num_heads can be checked against the weights before any rewrite.
 */
import type { onnx } from 'onnx-proto';
import { int64, type GraphIndex } from '../graphIndex';
import { inconsistent, unsupported } from './fusedAttributes';
import type { UnfuseContext } from './unfuser';

/** The last dimension of `tensor` when the graph shows it; undefined otherwise. */
export function widthOf(index: GraphIndex, tensor: string, depth = 4): number | undefined {
  const recorded = [...(index.graph.valueInfo ?? []), ...(index.graph.input ?? [])]
    .find((v) => v.name === tensor)
    ?.type?.tensorType?.shape?.dim?.at(-1)?.dimValue;
  if (recorded !== undefined && recorded !== null && int64(recorded) > 0) return int64(recorded);
  const node = index.producer(tensor);
  if (!node || depth === 0) return undefined;
  const inputs = node.input ?? [];
  if (node.opType === 'MatMulNBits' || node.opType === 'MatMulBnb4') {
    const n = node.attribute?.find((x) => x.name === 'N');
    return n ? int64(n.i) : undefined;
  }
  if (node.opType === 'MatMul' || node.opType === 'Gemm') {
    const dims = index.constantDims(inputs[1] ?? '');
    if (!dims || dims.length < 1) return undefined;
    const transB = node.attribute?.find((x) => x.name === 'transB');
    return node.opType === 'Gemm' && int64(transB?.i) === 1 ? dims[0] : dims.at(-1);
  }
  if (['Add', 'Cast', 'Identity'].includes(node.opType ?? '')) {
    for (const input of inputs) {
      const width = index.isConstant(input)
        ? index.constantDims(input)?.at(-1)
        : widthOf(index, input, depth - 1);
      if (width !== undefined && width > 1) return width;
    }
  }
  return undefined;
}

interface Heads {
  query: string;
  key?: string;
  heads: number;
  kvHeads: number;
  packed: boolean;
}

/** The head size, checked against num_heads / kv_num_heads and the q, k widths. */
export function headSizeOf(
  index: GraphIndex,
  node: onnx.INodeProto,
  h: Heads,
  context: UnfuseContext,
): number {
  const queryWidth = widthOf(index, h.query);
  if (queryWidth === undefined) {
    throw unsupported(
      node,
      context,
      `has a query "${h.query}" whose width the graph does not show`,
    );
  }
  const parts = h.packed ? h.heads + 2 * h.kvHeads : h.heads;
  const what = h.packed
    ? `num_heads ${h.heads} + 2 × kv_num_heads ${h.kvHeads}`
    : `num_heads ${h.heads}`;
  if (queryWidth % parts !== 0) {
    throw inconsistent(
      node,
      context,
      `has ${what}, but its ${h.packed ? 'packed q/k/v' : 'query'} is ${queryWidth} wide (not a whole number of heads; num_heads does not match the weights)`,
    );
  }
  const headSize = queryWidth / parts;
  const keyWidth = h.key ? widthOf(index, h.key) : undefined;
  if (keyWidth !== undefined && keyWidth !== h.kvHeads * headSize) {
    throw inconsistent(
      node,
      context,
      `has kv_num_heads ${h.kvHeads} × head size ${headSize}, but its key is ${keyWidth} wide (kv_num_heads does not match the weights)`,
    );
  }
  return headSize;
}
