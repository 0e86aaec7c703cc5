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
import { castToFloat, exposeTensors, identity } from './exposeTensors';
import { findStepTensors, type ScaleFactor, type StepTensors } from './findStepTensors';
import { tensorTypes } from './tensorTypes';

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
    const checked = tailRows(graph, layer, `attention_recompute.${l}.checked`);
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
 * The last `CHECKED_ROWS` query rows of the layer's probabilities (float32), tied into the
 * layer's own computation: the head outputs become P·V + 0 · Σ(rows). onnxruntime orders
 * nodes by walking back from the outputs, so a slice that nothing downstream needed ran
 * after every layer and kept all of their N × N alive (4 GiB at 2,048 tokens); tied in, it
 * runs before the layer goes on. Adding an exact zero leaves every output as it was.
 */
function tailRows(graph: onnx.IGraphProto, layer: StepTensors, name: string): string {
  const { TensorProto, NodeProto } = onnxProto.onnx;
  const nodes = graph.node ?? [];
  const pv = nodes.find((node) => node.output?.[0] === layer.output);
  if (!pv?.output) throw new Error(`exposeRecompute: no node produces ${layer.output}`);
  // Read before the rename: the type may be known only through its producer.
  const typeOf = tensorTypes(graph);
  const outputType = typeOf(layer.output);
  const outputIsFloat = isFloat(typeOf(layer.output));
  const probabilitiesAreFloat = isFloat(typeOf(layer.probabilities));
  const raw = `${name}/weighted`;
  pv.output[0] = raw;
  const int64 = (suffix: string, value: number) =>
    TensorProto.create({
      name: `${name}/${suffix}`,
      dataType: TensorProto.DataType.INT64,
      dims: [1],
      int64Data: [value],
    });
  const constants = [int64('starts', -CHECKED_ROWS), int64('ends', 2 ** 53 - 1), int64('axes', -2)];
  graph.initializer ??= [];
  graph.initializer.push(
    ...constants,
    TensorProto.create({
      name: `${name}/zero`,
      dataType: TensorProto.DataType.FLOAT,
      dims: [],
      floatData: [0],
    }),
  );
  const node = (opType: string, input: string[], output: string) =>
    NodeProto.create({ opType, name: `${output}/${opType}`, input, output: [output] });
  const sliced = `${name}/rows`;
  const added = [
    node('Slice', [layer.probabilities, ...constants.map((c) => c.name as string)], sliced),
  ];
  let checked = sliced;
  if (!probabilitiesAreFloat) {
    checked = `${sliced}_float32`;
    added.push(castToFloat(sliced, checked));
  }
  added.push(
    node('ReduceSum', [checked], `${name}/sum`),
    node('Mul', [`${name}/sum`, `${name}/zero`], `${name}/nothing`),
  );
  let nothing = `${name}/nothing`;
  if (!outputIsFloat && outputType !== undefined) {
    nothing = `${name}/nothing_cast`;
    added.push(
      NodeProto.create({
        opType: 'Cast',
        name: `${nothing}/Cast`,
        input: [`${name}/nothing`],
        output: [nothing],
        attribute: [
          { name: 'to', type: onnxProto.onnx.AttributeProto.AttributeType.INT, i: outputType },
        ],
      }),
    );
  }
  added.push(node('Add', [raw, nothing], layer.output));
  nodes.splice(nodes.indexOf(pv) + 1, 0, ...added);
  graph.node = nodes;
  return checked;
}

function isFloat(type: number | undefined): boolean {
  return type === undefined || type === onnxProto.onnx.TensorProto.DataType.FLOAT;
}
