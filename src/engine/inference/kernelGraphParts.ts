/**
 * The pieces the small kernel graphs share (attentionKernel.ts, overviewGraph.ts,
 * valueNormsKernel.ts): nodes named after their one output, inputs of any size, and the
 * model's attention logits `cap(factor · q·kᵀ)` that the attention and overview kernels
 * both start from, so the two cannot drift apart.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
const { INT, INTS } = onnx.AttributeProto.AttributeType;

export type KernelAttribute = { name: string; i?: number; ints?: number[] };

/** A node named after its one output. */
export function kernelNode(
  opType: string,
  inputs: string[],
  output: string,
  attributes: KernelAttribute[] = [],
) {
  return onnx.NodeProto.create({
    opType,
    name: output,
    input: inputs,
    output: [output],
    attribute: attributes.map((a) =>
      a.ints ? { name: a.name, type: INTS, ints: a.ints } : { name: a.name, type: INT, i: a.i },
    ),
  });
}

/** A graph input or output of rank `rank`, every dimension free. */
export function kernelValue(name: string, rank: number, elemType: number = FLOAT) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: Array.from({ length: rank }, (_, i) => ({ dimParam: `${name}${i}` })) },
      },
    },
  });
}

/** `cap(factor · q·kᵀ)` from inputs q, kt, factor (and cap): its nodes, inputs and output name. */
export function attentionLogits(capped: boolean) {
  const nodes = [
    kernelNode('MatMul', ['q', 'kt'], 'scores'),
    kernelNode('Mul', ['scores', 'factor'], 'scaled'),
  ];
  const inputs = [kernelValue('q', 4), kernelValue('kt', 4), kernelValue('factor', 1)];
  if (!capped) return { nodes, inputs, logits: 'scaled' };
  nodes.push(
    kernelNode('Div', ['scaled', 'cap'], 'divided'),
    kernelNode('Tanh', ['divided'], 'bounded'),
    kernelNode('Mul', ['bounded', 'cap'], 'capped'),
  );
  inputs.push(kernelValue('cap', 1));
  return { nodes, inputs, logits: 'capped' };
}
