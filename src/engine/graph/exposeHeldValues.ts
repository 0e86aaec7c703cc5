/**
 * What the inspection's own run keeps so that value norms and head writes (issue 24) need no
 * second session (docs/decisions.md, "Value norms from held values"): per layer the value the
 * P·V MatMul reads, before any repeat for grouped-query attention (L · Hkv · N · dv floats),
 * and ‖x_i‖ of the residual stream the attention output joins (L · N floats); and, read once
 * per model from the initializers, each layer's output projection W_O `[H · dv, D]`. With
 * them ‖v_j W_O^h‖ is one small MatMul and the head writes ‖(α V_h) W_O^h‖ two
 * (inference/valueNormsKernel.ts).
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { HeadNormPlan } from './exposeHeadNorms';
import { castToFloat, exposeTensors } from './exposeTensors';
import type { ExternalDataFile } from './externalDataFile';
import { GraphIndex, int64 } from './graphIndex';
import { type ProjectionMatrix, readProjection } from './projectionWeight';
import { elemTypeOf } from './tensorTypes';

/** One layer's held tensors, named by the graph outputs that hold them (float32). */
export interface HeldValueOutputs {
  /** `[.., Hkv, M, dv]`: the value before any repeat to the query heads. */
  value: string;
  /** `[.., N]`: ‖x_i‖ of the residual stream, when found. */
  residual?: string;
}

/** What a folder holds for the norms: the outputs per layer and each layer's W_O. */
export interface HeldValuesPlan {
  layers: HeldValueOutputs[];
  /** Per layer `[H · dv, D]` float32, rows in head order (a Gemm's transB undone). */
  projections: ProjectionMatrix[];
}

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;

/**
 * Reads every layer's W_O and exposes the values and residual norms; a reason instead (and
 * `model` untouched) when a weight cannot be read (projectionWeight.ts). Call after exposeRecompute
 * (the residual norm is tied into the P·V output it ties its check into).
 */
export function exposeHeldValues(
  model: onnx.IModelProto,
  plans: readonly HeadNormPlan[],
  external: readonly ExternalDataFile[],
): HeldValuesPlan | string {
  const graph = model.graph as onnx.IGraphProto;
  const index = new GraphIndex(graph);
  const projections: ProjectionMatrix[] = [];
  for (const [l, { projection }] of plans.entries()) {
    const read = readProjection(graph, projection, external);
    if (typeof read === 'string') return `layer ${l}'s output projection: ${read}`;
    projections.push(read);
  }
  const values = plans.map((p) => beforeRepeat(index, p.value));
  const opset = (model.opsetImport ?? [])
    .filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')
    .map((o) => int64(o.version))[0];
  const residuals = plans.map((p, l) =>
    p.projection.residual
      ? residualNorm(graph, { pvOutput: p.output, residual: p.projection.residual, opset }, l)
      : undefined,
  );
  const exposed = exposeTensors(model, [...values, ...residuals.filter((r) => r !== undefined)]);
  let next = values.length;
  return {
    layers: values.map((_, l) => ({
      value: exposed[l],
      ...(residuals[l] === undefined ? {} : { residual: exposed[next++] }),
    })),
    projections,
  };
}

/**
 * The value before PyTorch's repeat_kv (Unsqueeze at axis 2, Expand, Reshape back to rank 4):
 * Hkv heads instead of H, which is all the norms need (head h reads key/value head
 * ⌊h · Hkv / H⌋). A value read without a repeat is itself.
 */
function beforeRepeat(index: GraphIndex, value: string): string {
  const reshape = index.producer(value);
  const expand =
    reshape?.opType === 'Reshape' ? index.producer(reshape.input?.[0] ?? '') : undefined;
  const unsqueeze =
    expand?.opType === 'Expand' ? index.producer(expand.input?.[0] ?? '') : undefined;
  if (unsqueeze?.opType !== 'Unsqueeze') return value;
  const axes =
    unsqueeze.attribute?.find((a) => a.name === 'axes')?.ints?.map(int64) ??
    constantInts(index, unsqueeze.input?.[1] ?? '');
  const before = unsqueeze.input?.[0];
  return before && axes?.length === 1 && (axes[0] === 2 || axes[0] === -3) ? before : value;
}

/** The int64 numbers of a Constant node or initializer, when small and known. */
function constantInts(index: GraphIndex, tensor: string): number[] | undefined {
  const node = index.producer(tensor);
  const value =
    node?.opType === 'Constant'
      ? node.attribute?.find((a) => a.name === 'value')?.t
      : (index.graph.initializer ?? []).find((t) => t.name === tensor);
  if (!value) return undefined;
  if (value.int64Data && value.int64Data.length > 0) return value.int64Data.map(int64);
  const raw = value.rawData;
  if (!raw || raw.length % 8 !== 0 || raw.length > 64) return undefined;
  const copy = new Uint8Array(raw);
  return Array.from(new BigInt64Array(copy.buffer), Number);
}

/**
 * ‖x_i‖ of the residual stream, tied into the layer as exposeRecompute ties its check: the
 * P·V output becomes P·V + 0 · Σ‖x‖, so onnxruntime (which orders nodes by walking back from
 * the outputs) computes the norm while the layer runs instead of keeping x alive to the end.
 */
function residualNorm(
  graph: onnx.IGraphProto,
  { pvOutput, residual, opset }: { pvOutput: string; residual: string; opset?: number },
  layer: number,
): string {
  const { NodeProto, TensorProto } = onnxProto.onnx;
  const name = `attention_values.${layer}`;
  const nodes = graph.node ?? [];
  const producer = nodes.find((n) => n.output?.[0] === pvOutput);
  if (!producer?.output) throw new Error(`exposeHeldValues: no node produces ${pvOutput}`);
  const outputType = elemTypeOf(graph, pvOutput);
  const residualType = elemTypeOf(graph, residual);
  let count = 0;
  const node = (opType: string, input: string[], output: string, attribute = {}) =>
    NodeProto.create({
      opType,
      name: `${name}/${opType}_${count++}`,
      input,
      output: [output],
      ...attribute,
    });
  const added: onnx.INodeProto[] = [];
  let x = residual;
  // An unknown type is cast too (a fused norm's sum output in a float16 graph records none);
  // a Cast of a float32 tensor to float32 costs a copy of N · D numbers.
  if (residualType !== FLOAT) {
    x = `${name}/residual_float32`;
    added.push(castToFloat(residual, x));
  }
  const norm = `${name}/residual_norm`;
  const ints = onnxProto.onnx.AttributeProto.AttributeType.INTS;
  const int = onnxProto.onnx.AttributeProto.AttributeType.INT;
  const keepdims = { name: 'keepdims', type: int, i: 0 };
  graph.initializer ??= [];
  graph.initializer.push(
    TensorProto.create({ name: `${name}/zero`, dataType: FLOAT, dims: [], floatData: [0] }),
  );
  // Opset 18 moved ReduceL2's axes from an attribute to an input.
  if ((opset ?? 0) >= 18) {
    graph.initializer.push(
      TensorProto.create({
        name: `${name}/axes`,
        dataType: TensorProto.DataType.INT64,
        dims: [1],
        int64Data: [-1],
      }),
    );
    added.push(node('ReduceL2', [x, `${name}/axes`], norm, { attribute: [keepdims] }));
  } else {
    const axes = { name: 'axes', type: ints, ints: [-1] };
    added.push(node('ReduceL2', [x], norm, { attribute: [axes, keepdims] }));
  }
  added.push(
    node('ReduceSum', [norm], `${name}/sum`, { attribute: [keepdims] }),
    node('Mul', [`${name}/sum`, `${name}/zero`], `${name}/nothing`),
  );
  let nothing = `${name}/nothing`;
  if (outputType !== undefined && outputType !== FLOAT) {
    nothing = `${name}/nothing_cast`;
    added.push(
      node('Cast', [`${name}/nothing`], nothing, {
        attribute: [{ name: 'to', type: int, i: outputType }],
      }),
    );
  }
  const raw = `${name}/weighted`;
  producer.output[0] = raw;
  added.push(node('Add', [raw, nothing], pvOutput));
  nodes.splice(nodes.indexOf(producer) + 1, 0, ...added);
  graph.node = nodes;
  return norm;
}
