/**
 * What the engine keeps of each attention layer so that any head's attention can be
 * recomputed on demand, instead of every layer's N × N probabilities (issue 22): the query
 * and the transposed key as the Q·Kᵀ MatMul reads them, the scale operands, the soft-cap,
 * and the last few rows of the graph's own probabilities, against which every run checks
 * its recomputation. The probabilities stop being graph outputs, so onnxruntime frees each
 * layer's N × N as soon as the layer is done with it.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { findIfAttention } from './exposeIfAttention';
import { castToFloat, exposeTensors } from './exposeTensors';
import { findStepTensors, type ScaleFactor } from './findStepTensors';
import { elemTypeOf } from './tensorTypes';

/** Rows of the graph's own probabilities kept per layer to check the recomputation. */
export const CHECKED_ROWS = 8;

/** One layer's recompute tensors, named by the graph outputs that hold them. */
export interface RecomputeOutputs {
  /** `[.., N, d]` as the Q·Kᵀ MatMul reads it (with any scale folded into it). */
  query: string;
  /** `[.., d, M]` as the MatMul reads it. */
  keyTransposed: string;
  /** The scales between Q·Kᵀ and the softmax (or folded into q or k), operands as outputs. */
  scales: ScaleFactor[];
  /** The soft-cap constant, as an output, when the layer caps its logits. */
  softcap?: string;
  /** `[.., min(N, CHECKED_ROWS), M]`: the last rows of the layer's probabilities. */
  checkedRows: string;
}

/**
 * Edits `model` to hold the recompute tensors of every layer; undefined (and `model`
 * untouched) when some layer's attention is not plain MatMul/Softmax ops in the top-level
 * graph (a merged decoder's If, an unrecognised pattern): such a model keeps its full
 * probabilities as outputs.
 */
export function exposeRecompute(
  model: onnx.IModelProto,
  layers: number,
  /** Graph outputs that hold probabilities today (a manifest's), dropped as outputs. */
  probabilityOutputs: readonly string[] = [],
): RecomputeOutputs[] | undefined {
  const graph = model.graph as onnx.IGraphProto;
  if (findIfAttention(graph)) return undefined;
  const found = findStepTensors(graph);
  if (found.length !== layers || found.some((layer) => layer === undefined)) return undefined;
  const steps = found as NonNullable<(typeof found)[number]>[];
  const dropped = new Set(probabilityOutputs);
  graph.output = (graph.output ?? []).filter((o) => !dropped.has(o.name ?? ''));
  return steps.map((layer, l) => {
    const checked = tailRows(graph, layer.probabilities, `attention_recompute.${l}.checked`);
    const scales = layer.scales.map((scale, i) => ({
      ...scale,
      operand: identity(graph, scale.operand, `attention_recompute.${l}.scale${i}`),
    }));
    const softcap = layer.softcap
      ? identity(graph, layer.softcap, `attention_recompute.${l}.softcap`)
      : undefined;
    const names = [layer.query, layer.keyTransposed, checked, ...scales.map((s) => s.operand)];
    if (softcap) names.push(softcap);
    const [query, keyTransposed, checkedRows, ...rest] = exposeTensors(model, names);
    return {
      query,
      keyTransposed,
      checkedRows,
      scales: scales.map((scale, i) => ({ ...scale, operand: rest[i] })),
      ...(softcap ? { softcap: rest[scales.length] } : {}),
    };
  });
}

/**
 * The last `CHECKED_ROWS` query rows of `probabilities` (float32), computed right after
 * the Softmax: placed there in the node list, the slice does not keep the N × N alive.
 */
function tailRows(graph: onnx.IGraphProto, probabilities: string, name: string): string {
  const nodes = graph.node ?? [];
  const at = nodes.findIndex((node) => node.output?.includes(probabilities));
  const sliced = `${name}/rows`;
  const int64 = (suffix: string, value: number) =>
    onnxProto.onnx.TensorProto.create({
      name: `${name}/${suffix}`,
      dataType: onnxProto.onnx.TensorProto.DataType.INT64,
      dims: [1],
      int64Data: [value],
    });
  const constants = [int64('starts', -CHECKED_ROWS), int64('ends', 2 ** 53 - 1), int64('axes', -2)];
  graph.initializer ??= [];
  graph.initializer.push(...constants);
  const added: onnx.INodeProto[] = [
    onnxProto.onnx.NodeProto.create({
      opType: 'Slice',
      name: `${sliced}/Slice`,
      input: [probabilities, ...constants.map((c) => c.name as string)],
      output: [sliced],
    }),
  ];
  let out = sliced;
  const type = elemTypeOf(graph, probabilities);
  if (type !== undefined && type !== onnxProto.onnx.TensorProto.DataType.FLOAT) {
    out = `${sliced}_float32`;
    added.push(castToFloat(sliced, out));
  }
  nodes.splice(at + 1, 0, ...added);
  graph.node = nodes;
  return out;
}

function identity(graph: onnx.IGraphProto, operand: string, output: string): string {
  graph.node ??= [];
  graph.node.push(
    onnxProto.onnx.NodeProto.create({
      opType: 'Identity',
      name: `${output}/Identity`,
      input: [operand],
      output: [output],
    }),
  );
  return output;
}
