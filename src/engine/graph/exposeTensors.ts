import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { tensorTypes } from './tensorTypes';

/**
 * Makes intermediate tensors of the graph into graph outputs, so onnxruntime returns them
 * with the normal outputs; the model's computation is unchanged. Each new output gets the
 * graph's own ValueInfo for that tensor when it has one, otherwise float32 of unknown
 * shape (onnxruntime then reports the actual shape). A tensor of another float type
 * (recorded, or found by `elemTypeOf`) (float16, bfloat16) is exposed through a Cast to float32 named `<name>_float32`:
 * onnxruntime's CPU kernels run half-precision ops through casts of their own, which would
 * clash with a half-precision graph output. Names that already are outputs are left alone.
 * Mutates `model`; returns the output names, in the order of `names`.
 *
 * Pair it with a selector, e.g. `findAttention(graph).map((a) => a.rawScores)` for Q·Kᵀ.
 */
export function exposeTensors(model: onnx.IModelProto, names: readonly string[]): string[] {
  const graph = model.graph;
  if (!graph) throw new Error('exposeTensors: the model has no graph');
  graph.output ??= [];
  const outputs = graph.output;
  const known = new Map((graph.valueInfo ?? []).map((v) => [v.name ?? '', v]));
  const existing = new Set(outputs.map((o) => o.name));
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  // Built once: the Casts added below produce new names that no earlier tensor depends on.
  let types: ((tensor: string) => number | undefined) | undefined;
  const typeOf = (tensor: string) => {
    types ??= tensorTypes(graph);
    return types(tensor);
  };
  return names.map((name) => {
    if (existing.has(name)) return name;
    // Exposed before through its float32 Cast: a second Cast of the same name breaks the graph.
    if (existing.has(`${name}_float32`)) return `${name}_float32`;
    if (!produced.has(name)) throw new Error(`exposeTensors: no node produces "${name}"`);
    const info = known.get(name);
    const elemType = info?.type?.tensorType?.elemType ?? typeOf(name);
    let exposed = name;
    if (elemType !== undefined && elemType !== null && elemType !== FLOAT) {
      exposed = `${name}_float32`;
      graph.node ??= [];
      graph.node.push(castToFloat(name, exposed));
    }
    outputs.push(exposed === name && info ? info : floatOutput(exposed));
    existing.add(exposed);
    return exposed;
  });
}

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;

/** A `Cast(to = float32)` node from `input` to `output`. */
export function castToFloat(input: string, output: string): onnx.NodeProto {
  return onnxProto.onnx.NodeProto.create({
    opType: 'Cast',
    name: `${output}/Cast`,
    input: [input],
    output: [output],
    attribute: [{ name: 'to', type: onnxProto.onnx.AttributeProto.AttributeType.INT, i: FLOAT }],
  });
}

/**
 * Reads `operand` through a new Identity node named `output`: a scale or cap may be an
 * initializer or a constant that no node produces, which cannot become a graph output itself.
 */
export function identity(graph: onnx.IGraphProto, operand: string, output: string): string {
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

/** A float32 ValueInfo of unknown shape. */
export function floatOutput(name: string): onnx.ValueInfoProto {
  return onnxProto.onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT } } });
}

/** Encodes an (edited) model back to the bytes onnxruntime takes. */
export function encodeOnnx(model: onnx.IModelProto): Uint8Array {
  return onnxProto.onnx.ModelProto.encode(model).finish();
}
