import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { exposeTensors } from '../../../src/engine/graph/exposeTensors';
import { findAttention, findFusedAttention } from '../../../src/engine/graph/findAttention';
import { FIXTURES } from '../folder/fixtureRuntime';

const { onnx } = onnxProto;
type Node = { opType: string; input: string[]; output: string[]; domain?: string };

const node = (opType: string, input: string[], output: string[], domain = ''): Node => ({
  opType,
  input,
  output,
  domain,
});
const constant = (name: string) => ({
  name,
  dims: [1],
  dataType: onnx.TensorProto.DataType.FLOAT,
  floatData: [0.125],
});

/**
 * Hugging Face BERT's order: the additive mask comes first in the Add, the scale is a Mul
 * after the mask, Dropout sits between Softmax and ·V; a final softmax over logits.
 */
const bertLike = () => ({
  node: [
    node('MatMul', ['q', 'kT'], ['scores']),
    node('Mul', ['mask_raw', 'neg'], ['mask_add']),
    node('Add', ['mask_add', 'scores'], ['masked']),
    node('Mul', ['masked', 'scale'], ['scaled']),
    node('Softmax', ['scaled'], ['probs']),
    node('Dropout', ['probs'], ['probs_d']),
    node('MatMul', ['probs_d', 'v'], ['context']),
    node('Softmax', ['context'], ['next_token']),
  ],
  initializer: [constant('neg'), constant('scale')],
  output: [{ name: 'next_token' }],
});

describe('findAttention', () => {
  it('finds the attention Softmax and traces Q·Kᵀ, the mask and the scale in any order', () => {
    assert.deepEqual(findAttention(bertLike()), [
      {
        probabilities: 'probs',
        softmaxInput: 'scaled',
        scaledScores: 'scaled',
        maskedScores: 'masked',
        rawScores: 'scores',
        query: 'q',
        keyTransposed: 'kT',
      },
    ]);
  });

  it('ignores a softmax that does not feed probabilities · V', () => {
    assert.ok(!findAttention(bertLike()).some((a) => a.probabilities === 'next_token'));
  });

  it('names fused attention ops with their domain', async () => {
    const bytes = await readFile(join(FIXTURES, 'broken-fused-attention', 'model.onnx'));
    const fused = onnx.ModelProto.decode(bytes).graph!;
    assert.deepEqual(
      findFusedAttention(fused).map((f) => f.op),
      ['com.microsoft.Attention'],
    );
    assert.deepEqual(findAttention(fused), []);
    assert.deepEqual(findFusedAttention(bertLike()), []);
  });
});

describe('exposeTensors', () => {
  it('adds float32 outputs of unknown shape, reuses ValueInfo and skips existing outputs', () => {
    const model = onnx.ModelProto.create({
      graph: {
        ...bertLike(),
        valueInfo: [
          {
            name: 'scores',
            type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'b' }] } } },
          },
        ],
      },
    });
    exposeTensors(model, ['probs', 'scores', 'next_token']);
    const decoded = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
    const outputs = decoded.graph!.output!;
    assert.deepEqual(
      outputs.map((o) => o.name),
      ['next_token', 'probs', 'scores'],
    );
    assert.equal(outputs[1].type!.tensorType!.elemType, onnx.TensorProto.DataType.FLOAT);
    assert.equal(outputs[1].type!.tensorType!.shape, null);
    assert.equal(outputs[2].type!.tensorType!.shape!.dim![0].dimParam, 'b');
  });

  it('refuses a name no node produces', () => {
    const model = onnx.ModelProto.create({ graph: bertLike() });
    assert.throws(() => exposeTensors(model, ['q']), /no node produces "q"/);
  });
});
