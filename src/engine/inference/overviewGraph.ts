/**
 * The graph of a layer's overview (issue 22): the same softmax(cap(factor · q·kᵀ) + mask) as
 * the attention kernel (attentionKernel.ts), followed, inside onnxruntime, by what the model
 * view shows of it — block means (AveragePool, the thumbnails), per query row the entropy
 * Σ p ln p and the distance Σ p·|i − j| (ReduceSum), and the weights at listed places
 * (Gather: the first key, the previous one, induction targets). Only those small tensors
 * leave the WASM heap: at 2,048 tokens a layer's 151 MB of weights never reach JavaScript.
 *
 * Inputs: q `[groups, perGroup, rows, d]`, kt `[groups, 1, d, keys]`, factor `[1]`, (cap
 * `[1]`), rowPos `[rows, 1]`, keyPos `[1, keys]`, (lowest, highest `[1]`), flat int64 `[3]`
 * (`[groups, perGroup, rows · keys]`), picks int64 `[count]` (flat row-major places).
 * Outputs: thumbs `[groups, perGroup, ⌈rows / blockRows⌉, ⌈keys / blockCols⌉]`, plogp and
 * distance `[groups, perGroup, rows]`, picked `[groups, perGroup, count]`.
 */
import onnxProto from 'onnx-proto';
import { encodeOnnx } from '../graph/exposeTensors';
import { attentionLogits, FLOAT, kernelNode, kernelValue } from './kernelGraphParts';

const { onnx } = onnxProto;
const INT64 = onnx.TensorProto.DataType.INT64;

/** What the graph's structure depends on (one session each). */
export interface OverviewGraphShape {
  capped: boolean;
  masked: boolean;
  blockRows: number;
  blockCols: number;
}

/**
 * Below this a weight counts as this in `p · ln p`: a zero weight (a masked key) gives 0, as
 * the JavaScript summaries skip it; a weight this small adds less than 1e-28 to an entropy.
 */
const SMALLEST_WEIGHT = 1e-30;

const node = kernelNode;
const value = kernelValue;

export function overviewGraph({ capped, masked, blockRows, blockCols }: OverviewGraphShape) {
  const { nodes, inputs, logits: scores } = attentionLogits(capped);
  let logits = scores;
  inputs.push(value('rowPos', 2), value('keyPos', 2));
  nodes.push(node('Sub', ['rowPos', 'keyPos'], 'offset'));
  if (masked) {
    nodes.push(
      node('Less', ['offset', 'lowest'], 'tooLate'),
      node('Greater', ['offset', 'highest'], 'tooEarly'),
      node('Or', ['tooLate', 'tooEarly'], 'hidden'),
      node('Where', ['hidden', 'minusInfinity', logits], 'masked'),
    );
    inputs.push(value('lowest', 1), value('highest', 1));
    logits = 'masked';
  }
  const sumLast = (input: string, output: string) =>
    node('ReduceSum', [input, 'lastAxis'], output, [{ name: 'keepdims', i: 0 }]);
  nodes.push(
    node('Softmax', [logits], 'p', [{ name: 'axis', i: -1 }]),
    node('AveragePool', ['p'], 'thumbs', [
      { name: 'kernel_shape', ints: [blockRows, blockCols] },
      { name: 'strides', ints: [blockRows, blockCols] },
      // The last block of a side that is not a multiple holds fewer tokens: its mean is over those.
      { name: 'ceil_mode', i: 1 },
    ]),
    node('Max', ['p', 'smallest'], 'clamped'),
    node('Log', ['clamped'], 'logp'),
    node('Mul', ['p', 'logp'], 'plogpEach'),
    sumLast('plogpEach', 'plogp'),
    node('Abs', ['offset'], 'apart'),
    node('Mul', ['p', 'apart'], 'distanceEach'),
    sumLast('distanceEach', 'distance'),
    node('Reshape', ['p', 'flat'], 'pFlat'),
    node('Gather', ['pFlat', 'picks'], 'picked', [{ name: 'axis', i: 2 }]),
  );
  inputs.push(value('flat', 1, INT64), value('picks', 1, INT64));
  const initializer: onnxProto.onnx.ITensorProto[] = [
    { name: 'smallest', dataType: FLOAT, dims: [], floatData: [SMALLEST_WEIGHT] },
    { name: 'lastAxis', dataType: INT64, dims: [1], int64Data: [-1] },
  ];
  if (masked) {
    initializer.push({ name: 'minusInfinity', dataType: FLOAT, dims: [], floatData: [-Infinity] });
  }
  return encodeOnnx(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: 'overview',
        node: nodes,
        input: inputs,
        initializer,
        output: [value('thumbs', 4), value('plogp', 3), value('distance', 3), value('picked', 3)],
      },
    }),
  );
}
