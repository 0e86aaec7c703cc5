import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { SUPPORTED_OPSETS, decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { ModelError } from '../../../src/engine/modelError';
import '../folder/fixtureRuntime';

const { onnx } = onnxProto;

/** y = Identity(x): valid at every opset, so only the opset stamp decides. */
function identityModel(opset: number): Uint8Array {
  const value = (name: string) => ({
    name,
    type: {
      tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 2 }] } },
    },
  });
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'g',
      node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
      input: [value('x')],
      output: [value('y')],
    },
  }).finish();
}

describe('SUPPORTED_OPSETS matches onnxruntime-web', () => {
  it(`onnxruntime-web runs opset ${SUPPORTED_OPSETS.max} and refuses ${SUPPORTED_OPSETS.max + 1}`, async () => {
    const session = await ort.InferenceSession.create(identityModel(SUPPORTED_OPSETS.max));
    const x = new ort.Tensor('float32', Float32Array.of(1, 2), [2]);
    assert.deepEqual(Array.from((await session.run({ x })).y.data as Float32Array), [1, 2]);
    await session.release();
    await assert.rejects(
      ort.InferenceSession.create(identityModel(SUPPORTED_OPSETS.max + 1)),
      /opset/,
    );
  });

  it('decodeOnnx accepts the supported range and refuses the opsets around it', () => {
    for (const opset of [SUPPORTED_OPSETS.min, 14, SUPPORTED_OPSETS.max])
      decodeOnnx(identityModel(opset), 'm');
    for (const opset of [SUPPORTED_OPSETS.min - 1, SUPPORTED_OPSETS.max + 1]) {
      assert.throws(
        () => decodeOnnx(identityModel(opset), 'm'),
        (e: unknown) =>
          e instanceof ModelError &&
          e.problem === 'unsupportedOnnx' &&
          e.message.includes(`opset ${opset}`),
      );
    }
  });
});
