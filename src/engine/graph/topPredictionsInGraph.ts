/**
 * Next-token predictions computed inside the model's own run: TopK of the logits and their
 * log-sum-exp, so the `[N, vocab]` logits never leave the graph. At 2,048 tokens and a
 * 49k vocabulary they are 400 MB, copied out and into a second session twice more; with
 * Llama 3's 128k vocabulary, a gigabyte (issue 22). probability = exp(top logit − lse).
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { castToFloat, floatOutput } from './exposeTensors';
import { elemTypeOf } from './tensorTypes';

const { onnx: proto } = onnxProto;

/** The graph input that says how many predictions to keep per position, and the outputs. */
export interface TopPredictionOutputs {
  /** int64 `[1]`. */
  k: string;
  /** `[.., N, k]` float32 probabilities, most probable first. */
  probs: string;
  /** `[.., N, k]` int64 token ids. */
  ids: string;
}

/** Edits `model` so that `logits` is no longer an output; its top k are. */
export function topPredictionsInGraph(
  model: onnx.IModelProto,
  logits: string,
): TopPredictionOutputs {
  const graph = model.graph as onnx.IGraphProto;
  const names: TopPredictionOutputs = {
    k: 'attention_inspector.top_k',
    probs: 'attention_inspector.top_probs',
    ids: 'attention_inspector.top_ids',
  };
  const nodes = graph.node ?? [];
  const at = nodes.findIndex((node) => node.output?.includes(logits));
  const added: onnx.INodeProto[] = [];
  let input = logits;
  const declared = graph.output?.find((o) => o.name === logits)?.type?.tensorType?.elemType;
  const type = declared ?? elemTypeOf(graph, logits);
  if (type !== undefined && type !== proto.TensorProto.DataType.FLOAT) {
    input = `${logits}_float32`;
    added.push(castToFloat(logits, input));
  }
  const node = (opType: string, inputs: string[], outputs: string[], attribute = []) =>
    proto.NodeProto.create({
      opType,
      name: `${outputs[0]}/${opType}`,
      input: inputs,
      output: outputs,
      attribute,
    });
  added.push(
    node('TopK', [input, names.k], [`${names.probs}/logits`, names.ids]),
    reduceLogSumExp(graph, model, input, `${names.probs}/lse`),
    node('Sub', [`${names.probs}/logits`, `${names.probs}/lse`], [`${names.probs}/log`]),
    node('Exp', [`${names.probs}/log`], [names.probs]),
  );
  nodes.splice(at + 1, 0, ...added);
  graph.node = nodes;
  graph.input ??= [];
  graph.input.push(
    proto.ValueInfoProto.create({
      name: names.k,
      type: {
        tensorType: {
          elemType: proto.TensorProto.DataType.INT64,
          shape: { dim: [{ dimValue: 1 }] },
        },
      },
    }),
  );
  graph.output = (graph.output ?? []).filter((o) => o.name !== logits);
  graph.output.push(
    floatOutput(names.probs),
    proto.ValueInfoProto.create({
      name: names.ids,
      type: { tensorType: { elemType: proto.TensorProto.DataType.INT64 } },
    }),
  );
  return names;
}

/** ReduceLogSumExp over the last axis, kept; the axes as the opset wants them. */
export function reduceLogSumExp(
  graph: onnx.IGraphProto,
  model: onnx.IModelProto,
  input: string,
  output: string,
): onnx.INodeProto {
  const opset = Number(
    model.opsetImport?.find((o) => !o.domain || o.domain === 'ai.onnx')?.version ?? 13,
  );
  const keepdims = { name: 'keepdims', type: proto.AttributeProto.AttributeType.INT, i: 1 };
  if (opset < 18) {
    const axes = { name: 'axes', type: proto.AttributeProto.AttributeType.INTS, ints: [-1] };
    return proto.NodeProto.create({
      opType: 'ReduceLogSumExp',
      name: `${output}/ReduceLogSumExp`,
      input: [input],
      output: [output],
      attribute: [keepdims, axes],
    });
  }
  const axes = `${output}/axes`;
  graph.initializer ??= [];
  graph.initializer.push(
    proto.TensorProto.create({
      name: axes,
      dataType: proto.TensorProto.DataType.INT64,
      dims: [1],
      int64Data: [-1],
    }),
  );
  return proto.NodeProto.create({
    opType: 'ReduceLogSumExp',
    name: `${output}/ReduceLogSumExp`,
    input: [input, axes],
    output: [output],
    attribute: [keepdims],
  });
}
