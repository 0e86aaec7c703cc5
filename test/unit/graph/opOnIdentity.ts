/**
 * onnxruntime's own com.microsoft quantised MatMul (MatMulNBits, MatMulBnb4) as the reference
 * for our dequantisation: the op alone in a graph, multiplying the identity I_K, whose row k of
 * I · W is W's row k, so its output is the weight `[K, N]` as the op multiplies by it.
 */
import assert from 'node:assert/strict';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { encodeOnnx } from '../../../src/engine/graph/exposeTensors';
import { createSession, Tensor } from '../../../src/engine/inference/ortRuntime';
import { sharedEngine } from '../engine/fixtures';

const { DataType } = onnxProto.onnx.TensorProto;

/** A float32 graph input or output of `dims`. */
const io = (name: string, dims: number[]) => ({
  name,
  type: {
    tensorType: {
      elemType: DataType.FLOAT,
      shape: { dim: dims.map((dimValue) => ({ dimValue })) },
    },
  },
});

/** `node` (inputs `A` and its weights in `initializer`, output `Y`) run on I_K: W `[K, N]`. */
export async function weightOfOp(
  name: string,
  node: onnx.INodeProto,
  initializer: onnx.ITensorProto[],
  K: number,
  N: number,
): Promise<Float32Array> {
  sharedEngine(); // configures onnxruntime-web
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: { name, node: [node], initializer, input: [io('A', [K, K])], output: [io('Y', [K, N])] },
  };
  const session = await createSession(encodeOnnx(model));
  const identity = new Float32Array(K * K);
  for (let k = 0; k < K; k++) identity[k * K + k] = 1;
  const { Y } = await session.run({ A: new Tensor('float32', identity, [K, K]) });
  await session.release();
  return Y.data as Float32Array;
}

/** Largest |a − b| over two arrays of the same length. */
export function worst(a: Float32Array, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  return a.reduce((w, x, i) => Math.max(w, Math.abs(x - b[i])), 0);
}
