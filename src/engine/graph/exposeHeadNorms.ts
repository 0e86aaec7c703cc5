/**
 * What each head moves, computed in the graph (issue 24; Kobayashi et al., EMNLP 2020,
 * "Attention is Not Only a Weight"): per layer, head and token the norm of the token's
 * value through the head's rows of the output projection, ‖v_j^h W_O^h‖, and of what the
 * head writes, ‖(Σ_j α_ij v_j^h) W_O^h‖, and the norm of the residual stream the attention
 * output is added to. Since ‖α_ij f(x_j)‖ = α_ij ‖f(x_j)‖, value-weighted attention is the
 * held attention times the first: L · H · N numbers, not another L · H · N².
 *
 * W_O is found by walking forward from the P·V MatMul through the head merge (Transpose
 * [0, 2, 1, 3], Reshapes) to a MatMul or Gemm with a constant weight, or a com.microsoft
 * MatMulNBits or MatMulBnb4 (its weight dequantized once, projectionWeight.ts); its bias is
 * left out as in the paper (the V bias is in v already). A layer laid out otherwise has no
 * norms.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { exposeTensors } from './exposeTensors';
import type { StepTensors } from './findStepTensors';
import { GraphIndex, int64 } from './graphIndex';
import type { ExternalDataFile } from './externalDataFile';
import { BNB4_BLOCK_SIZES } from './dequantizeBnb4';
import { type Bnb4Weight, type NBitsWeight, readProjection } from './projectionWeight';
import { elemTypeOf } from './tensorTypes';
import { FLOAT_TYPE, NodeBuilder } from './unfuse/nodeBuilder';

/** One layer's norm outputs, named by the graph outputs that hold them (float32). */
export interface HeadNormOutputs {
  /** `[.., heads, M]`: ‖v_j^h W_O^h‖ per head and key token. */
  values: string;
  /** `[.., heads, N]`: ‖Σ_j α_ij v_j^h W_O^h‖ per head and query token. */
  writes: string;
  /** `[.., N]`: ‖x_i‖ of the residual stream the attention output is added to, when found. */
  residual?: string;
}

/** Where a layer's output projection and residual are. */
export interface Projection {
  /** `[H · dv, D]` as the heads' merged output multiplies it (transposed for a Gemm with transB). */
  weight: string;
  transposed: boolean;
  /** A MatMulNBits projection: `weight` is its packed B, dequantized by projectionWeight.ts. */
  nbits?: NBitsWeight;
  /** A MatMulBnb4 projection: `weight` is its packed B, dequantized by projectionWeight.ts. */
  bnb4?: Bnb4Weight;
  residual?: string;
}

type Nodes = NodeBuilder & { opset: number };

const MERGE_OPS = new Set(['Reshape', 'Identity', 'Cast', 'CastLike']);
/** Fused ops that add their first two inputs (the residual) before normalising. */
const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
const AFTER_OPS = new Set(['Reshape', 'Identity', 'Cast', 'Dropout']);

/** Per layer what the norms are computed from, found before any other edit renames tensors. */
export interface HeadNormPlan {
  value: string;
  /** The P·V output (its name stays produced when a later edit ties checks into it). */
  output: string;
  projection: Projection;
}

/** The plan of every layer; undefined when some layer's output projection is not found. */
export function planHeadNorms(
  graph: onnx.IGraphProto,
  steps: readonly (StepTensors | undefined)[],
): HeadNormPlan[] | undefined {
  const index = new GraphIndex(graph);
  const plans = steps.map((layer) => {
    const projection = layer ? projectionOf(index, layer.output) : undefined;
    return layer && projection
      ? { value: layer.value, output: layer.output, projection }
      : undefined;
  });
  return plans.every((p) => p !== undefined) ? (plans as HeadNormPlan[]) : undefined;
}

/** Adds the norm computations of every planned layer to `model` and makes them outputs. */
export function exposeHeadNorms(
  model: onnx.IModelProto,
  plans: readonly HeadNormPlan[],
  /** The graph's external data, read when a MatMulNBits weight is dequantized. */
  external: readonly ExternalDataFile[] = [],
): HeadNormOutputs[] {
  const graph = model.graph as onnx.IGraphProto;
  const opset = (model.opsetImport ?? [])
    .filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')
    .map((o) => int64(o.version))[0];
  const names: string[] = [];
  const layers = plans.map(({ value, output, projection }, l) => {
    const nodes = builder(graph, `attention_norms.${l}`, opset ?? 0);
    let weight =
      projection.nbits || projection.bnb4
        ? dequantized(graph, projection, external, `attention_norms.${l}/projection`)
        : floatOf(graph, nodes, projection.weight);
    if (projection.transposed) weight = nodes.op('Transpose', [weight], { perm: [1, 0] });
    const values = headNorms(nodes, floatOf(graph, nodes, value), weight);
    const writes = headNorms(nodes, floatOf(graph, nodes, output), weight);
    const residual = projection.residual
      ? reduceL2(nodes, floatOf(graph, nodes, projection.residual))
      : undefined;
    graph.node = [...(graph.node ?? []), ...nodes.nodes];
    names.push(values, writes, ...(residual ? [residual] : []));
    return { values, writes, ...(residual ? { residual } : {}) };
  });
  const outputs = exposeTensors(model, names);
  const exposed = new Map(names.map((name, i) => [name, outputs[i]]));
  return layers.map((l) => ({
    values: exposed.get(l.values) as string,
    writes: exposed.get(l.writes) as string,
    ...(l.residual ? { residual: exposed.get(l.residual) as string } : {}),
  }));
}

/**
 * ‖x^h W^h‖ over the last axis for x `[.., Hx, M, dv]` and W `[H · dv, D]`: head h of x
 * (a key/value head under grouped-query attention) meets the H / Hx output heads it feeds,
 * by broadcasting x `[.., Hx, 1, M, dv]` against W `[Hx, H / Hx, dv, D]`. Gives `[.., Hx, H / Hx, M]`,
 * which read flat is `[H, M]` in head order (head h uses key/value head ⌊h · Hx / H⌋).
 */
function headNorms(nodes: Nodes, x: string, weight: string): string {
  const shape = nodes.op('Shape', [x]);
  const end = 2 ** 53 - 1;
  const lead = nodes.slice(shape, 0, -2, 0);
  const tail = nodes.slice(shape, -2, end, 0);
  const heads = nodes.slice(shape, -3, -2, 0);
  const dv = nodes.slice(shape, -1, end, 0);
  const d = nodes.slice(nodes.op('Shape', [weight]), -1, end, 0);
  const one = nodes.int64([1]);
  const spread = nodes.op('Reshape', [x, nodes.op('Concat', [lead, one, tail], { axis: 0 })]);
  const perHead = nodes.op('Reshape', [
    weight,
    nodes.op('Concat', [heads, nodes.int64([-1]), dv, d], { axis: 0 }),
  ]);
  return reduceL2(nodes, nodes.op('MatMul', [spread, perHead]));
}

/** ReduceL2 over the last axis, dropped; the axes as the opset wants them. */
function reduceL2(nodes: Nodes, x: string): string {
  return nodes.opset >= 18
    ? nodes.op('ReduceL2', [x, nodes.int64([-1])], { keepdims: 0 })
    : nodes.op('ReduceL2', [x], { axes: [-1], keepdims: 0 });
}

function floatOf(graph: onnx.IGraphProto, nodes: Nodes, tensor: string): string {
  // An unknown type is cast too: a fused norm's sum in a float16 graph records none.
  return elemTypeOf(graph, tensor) === FLOAT_TYPE ? tensor : nodes.cast(tensor, FLOAT_TYPE);
}

/** The output projection after the head merge of a P·V output, and the residual it joins. */
function projectionOf(index: GraphIndex, pvOutput: string): Projection | undefined {
  const merge = index.consumers(pvOutput).find((n) => n.opType === 'Transpose');
  const perm = merge?.attribute?.find((a) => a.name === 'perm')?.ints?.map(int64);
  if (!merge || perm?.join() !== '0,2,1,3') return undefined;
  let tensor = merge.output?.[0] ?? '';
  for (let step = 0; step < 6; step++) {
    const next = index.consumers(tensor);
    if (next.length !== 1) return undefined;
    const node = next[0];
    const inputs = node.input ?? [];
    if (MERGE_OPS.has(node.opType ?? '')) {
      tensor = node.output?.[0] ?? '';
      continue;
    }
    if (node.opType === 'MatMulNBits') return nbitsProjection(index, node, tensor);
    if (node.opType === 'MatMulBnb4') return bnb4Projection(index, node, tensor);
    const isMatMul = node.opType === 'MatMul' || node.opType === 'Gemm';
    if (!isMatMul || inputs[0] !== tensor || !index.isConstant(inputs[1] ?? '')) return undefined;
    const flag = (name: string) => int64(node.attribute?.find((a) => a.name === name)?.i ?? 0);
    if (node.opType === 'Gemm' && flag('transA') !== 0) return undefined;
    const transposed = node.opType === 'Gemm' && flag('transB') !== 0;
    const residual = residualOf(index, node.output?.[0] ?? '');
    return { weight: inputs[1], transposed, ...(residual ? { residual } : {}) };
  }
  return undefined;
}

/** A MatMulNBits projection with constant weights (no g_idx, no bias: its bias is left out anyway). */
function nbitsProjection(
  index: GraphIndex,
  node: onnx.INodeProto,
  merged: string,
): Projection | undefined {
  const [a, weight, scales, zeroPoints, gIdx] = node.input ?? [];
  const constant = (name?: string) => name !== undefined && index.isConstant(name);
  if (a !== merged || !constant(weight) || !constant(scales) || gIdx) return undefined;
  if (zeroPoints && !constant(zeroPoints)) return undefined;
  const attribute = (name: string) => int64(node.attribute?.find((x) => x.name === name)?.i ?? 0);
  const nbits: NBitsWeight = {
    scales,
    ...(zeroPoints ? { zeroPoints } : {}),
    K: attribute('K'),
    N: attribute('N'),
    blockSize: attribute('block_size'),
    bits: attribute('bits') || 4,
  };
  // Other widths, or a block that is not whole bytes, are not read (the projection is not found).
  if (![2, 4, 8].includes(nbits.bits) || nbits.blockSize < 8 || nbits.K <= 0 || nbits.N <= 0)
    return undefined;
  const residual = residualOf(index, node.output?.[0] ?? '');
  return { weight, transposed: false, nbits, ...(residual ? { residual } : {}) };
}

/**
 * A MatMulBnb4 projection with constant weights, as ONNX Runtime's kernel multiplies: by Wᵀ
 * (transB 1), not training; other attributes, which the kernel refuses or exporters do not
 * write, are not read (the projection is not found).
 */
function bnb4Projection(
  index: GraphIndex,
  node: onnx.INodeProto,
  merged: string,
): Projection | undefined {
  const [a, weight, absmax] = node.input ?? [];
  const constant = (name?: string) => name !== undefined && index.isConstant(name);
  if (a !== merged || !constant(weight) || !constant(absmax)) return undefined;
  const attribute = (name: string, fallback = 0) => {
    const found = node.attribute?.find((x) => x.name === name);
    return found ? int64(found.i ?? 0) : fallback;
  };
  const bnb4: Bnb4Weight = {
    absmax,
    K: attribute('K'),
    N: attribute('N'),
    blockSize: attribute('block_size'),
    quantType: attribute('quant_type', -1),
  };
  const plain = attribute('transB', 1) === 1 && attribute('training_mode') === 0;
  if (!plain || ![0, 1].includes(bnb4.quantType) || !BNB4_BLOCK_SIZES.includes(bnb4.blockSize))
    return undefined;
  if (bnb4.K <= 0 || bnb4.N <= 0) return undefined;
  const residual = residualOf(index, node.output?.[0] ?? '');
  return { weight, transposed: false, bnb4, ...(residual ? { residual } : {}) };
}

/** A float32 initializer `name` holding the projection's dequantized weight `[K, N]`. */
function dequantized(
  graph: onnx.IGraphProto,
  projection: Projection,
  external: readonly ExternalDataFile[],
  name: string,
): string {
  const read = readProjection(graph, projection, external);
  if (typeof read === 'string') throw new Error(`exposeHeadNorms: ${read}`);
  const data = read.data();
  graph.initializer = [
    ...(graph.initializer ?? []),
    onnxProto.onnx.TensorProto.create({
      name,
      dataType: FLOAT_TYPE,
      dims: [read.rows, read.cols],
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    }),
  ];
  return name;
}

/** The other input of the first Add of two computed tensors after the projection (its bias skipped). */
function residualOf(index: GraphIndex, projected: string): string | undefined {
  let tensor = projected;
  for (let step = 0; step < 6; step++) {
    const node = index.consumers(tensor)[0];
    if (!node) return undefined;
    const inputs = node.input ?? [];
    const other = inputs.find((i) => i !== tensor) ?? '';
    if (node.opType === 'Add' && !index.isConstant(other)) return other;
    if (SKIP_NORMS.has(node.opType ?? '') && inputs[0] === tensor) return inputs[1];
    if (!(node.opType === 'Add' || AFTER_OPS.has(node.opType ?? ''))) return undefined;
    tensor = node.output?.[0] ?? '';
  }
  return undefined;
}

/** A NodeBuilder over names under `prefix`, which nothing in a graph we did not edit uses. */
function builder(graph: onnx.IGraphProto, prefix: string, opset: number): Nodes {
  let count = 0;
  const nodes = new NodeBuilder(
    {
      graph,
      opset,
      label: '',
      file: '',
      uniqueName: (base: string) => `${base}_${count++}`,
    },
    prefix,
  );
  return Object.assign(nodes, { opset });
}
