/**
 * What a graph says about how the model computes, read while it is prepared
 * (prepareGraph.ts): the precision its weights are stored in, and the attention tricks its
 * fused attention nodes carry (sliding window, soft-capping), which the rewrite keeps but
 * no longer names.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { AttentionFeatures } from '../types';
import { int64 } from './graphIndex';

const { DataType } = onnxProto.onnx.TensorProto;

/** The weights' precision in words, e.g. `4-bit (MatMulNBits, block 32)`, `float32`. */
export function weightPrecision(graph: onnx.IGraphProto): string {
  const nodes = graph.node ?? [];
  const attribute = (node: onnx.INodeProto, name: string) =>
    int64(node.attribute?.find((a) => a.name === name)?.i);
  const nbits = nodes.find((n) => n.opType === 'MatMulNBits');
  if (nbits) {
    const float16 = (graph.initializer ?? []).some((t) => t.dataType === DataType.FLOAT16);
    return `${attribute(nbits, 'bits') || 4}-bit (MatMulNBits, block ${attribute(nbits, 'block_size')}${float16 ? ', float16 activations' : ''})`;
  }
  if (nodes.some((n) => n.opType === 'MatMulBnb4')) return '4-bit (MatMulBnb4)';
  if (nodes.some((n) => n.opType === 'MatMulInteger' || n.opType === 'DynamicQuantizeLinear'))
    return '8-bit (dynamic quantization, MatMulInteger)';
  if (nodes.some((n) => n.opType === 'DequantizeLinear')) return '8-bit (QDQ, DequantizeLinear)';
  const types = new Set((graph.initializer ?? []).map((t) => t.dataType));
  if (types.has(DataType.FLOAT16)) return 'float16';
  if (types.has(DataType.BFLOAT16)) return 'bfloat16';
  return 'float32';
}

/**
 * Sliding window and soft-cap of the fused GroupQueryAttention nodes, in graph order
 * (layer order): `local_window_size` > 0 and `softcap` > 0. Read before the nodes are
 * rewritten.
 */
export function fusedAttentionFeatures(graph: onnx.IGraphProto): AttentionFeatures {
  const layers = (graph.node ?? []).filter(
    (n) => n.opType === 'GroupQueryAttention' && n.domain === 'com.microsoft',
  );
  const read = (node: onnx.INodeProto, name: string) =>
    node.attribute?.find((a) => a.name === name);
  const features: AttentionFeatures = {};
  const windowed = layers
    .map((node, layer) => ({ layer, size: int64(read(node, 'local_window_size')?.i) }))
    .filter((w) => w.size > 0);
  if (windowed.length > 0) {
    features.slidingWindow = {
      size: Math.max(...windowed.map((w) => w.size)),
      layers: windowed.map((w) => w.layer),
      from: 'graph',
    };
  }
  const cap = layers.map((node) => read(node, 'softcap')?.f ?? 0).find((c) => c > 0);
  if (cap !== undefined) features.softcap = { value: cap, from: 'graph' };
  return features;
}
