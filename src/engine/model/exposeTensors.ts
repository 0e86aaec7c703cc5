import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';

/**
 * Makes intermediate tensors of the graph into graph outputs, so onnxruntime returns them
 * with the normal outputs; the model's computation is unchanged. Each new output gets the
 * graph's own ValueInfo for that tensor when it has one, otherwise float32 of unknown
 * shape (onnxruntime then reports the actual shape). Names that already are outputs are
 * left alone. Mutates `model`.
 *
 * Pair it with a selector, e.g. `findAttention(graph).map((a) => a.rawScores)` for Q·Kᵀ.
 */
export function exposeTensors(model: onnx.IModelProto, names: readonly string[]): void {
  const graph = model.graph;
  if (!graph) throw new Error('exposeTensors: the model has no graph');
  const outputs = (graph.output ??= []);
  const known = new Map((graph.valueInfo ?? []).map((v) => [v.name ?? '', v]));
  const existing = new Set(outputs.map((o) => o.name));
  const produced = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  for (const name of names) {
    if (existing.has(name)) continue;
    if (!produced.has(name)) throw new Error(`exposeTensors: no node produces "${name}"`);
    outputs.push(
      known.get(name) ??
        onnxProto.onnx.ValueInfoProto.create({
          name,
          type: { tensorType: { elemType: onnxProto.onnx.TensorProto.DataType.FLOAT } },
        }),
    );
    existing.add(name);
  }
}

/** Encodes an (edited) model back to the bytes onnxruntime takes. */
export function encodeOnnx(model: onnx.IModelProto): Uint8Array {
  return onnxProto.onnx.ModelProto.encode(model).finish();
}
