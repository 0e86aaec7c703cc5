/**
 * Attention inside the `If` of a merged decoder (Optimum's `decoder_model_merged.onnx`):
 * its then-branch runs with a past (use_cache_branch = true), its else-branch without.
 * Both branches compute every layer's attention; we expose the Softmax outputs of both,
 * so whichever branch runs returns them, as new outputs of the `If` and of the graph.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { castToFloat, floatOutput } from './exposeTensors';
import { findAttention } from './findAttention';
import { elemTypeOf } from './tensorTypes';

/** An If node whose two branches each hold `layers` attention Softmax nodes. */
export interface IfAttention {
  node: onnx.INodeProto;
  thenProbabilities: string[];
  elseProbabilities: string[];
}

/** The first If node with attention in both branches (same count), if any. */
export function findIfAttention(graph: onnx.IGraphProto): IfAttention | undefined {
  for (const node of graph.node ?? []) {
    if (node.opType !== 'If') continue;
    const branch = (name: string) => node.attribute?.find((a) => a.name === name)?.g;
    const [then, otherwise] = [branch('then_branch'), branch('else_branch')];
    if (!then || !otherwise) continue;
    const thenProbabilities = findAttention(then).map((a) => a.probabilities);
    const elseProbabilities = findAttention(otherwise).map((a) => a.probabilities);
    if (thenProbabilities.length > 0 && thenProbabilities.length === elseProbabilities.length) {
      return { node, thenProbabilities, elseProbabilities };
    }
  }
  return undefined;
}

/** Adds one `If` and graph output per layer (`attention_probs.<layer>`); returns their names. */
export function exposeIfAttention(model: onnx.IModelProto, found: IfAttention): string[] {
  const graph = model.graph as onnx.IGraphProto;
  const attribute = (name: string) =>
    found.node.attribute?.find((a) => a.name === name)?.g as onnx.IGraphProto;
  const taken = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
  const names = found.thenProbabilities.map((_, layer) => {
    let name = `attention_probs.${layer}`;
    while (taken.has(name)) name = `_${name}`;
    return name;
  });
  addBranchOutputs(attribute('then_branch'), found.thenProbabilities);
  addBranchOutputs(attribute('else_branch'), found.elseProbabilities);
  found.node.output ??= [];
  found.node.output.push(...names);
  graph.output ??= [];
  graph.output.push(...names.map(floatOutput));
  return names;
}

/** Each tensor as a float32 branch output (through a Cast when it is recorded as another type). */
export function addBranchOutputs(branch: onnx.IGraphProto, tensors: string[]): void {
  const types = new Map(
    (branch.valueInfo ?? []).map((v) => [v.name, v.type?.tensorType?.elemType]),
  );
  for (const tensor of tensors) {
    const type = types.get(tensor) ?? elemTypeOf(branch, tensor);
    let output = tensor;
    if (type !== undefined && type !== null && type !== onnxProto.onnx.TensorProto.DataType.FLOAT) {
      output = `${tensor}_float32`;
      branch.node ??= [];
      branch.node.push(castToFloat(tensor, output));
    }
    branch.output ??= [];
    branch.output.push(floatOutput(output));
  }
}
