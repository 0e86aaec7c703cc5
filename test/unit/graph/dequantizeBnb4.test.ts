/**
 * MatMulBnb4's weight dequantised (graph/dequantizeBnb4.ts, graph/projectionWeight.ts):
 * hand-packed FP4 and NF4 codes checked against onnxruntime's own com.microsoft MatMulBnb4
 * multiplying an identity matrix (row k of I · Wᵀ is W_O's row k), with blocks that run
 * across rows, a short last block and an odd N · K; then each output projection of the bnb4
 * fixture read from its graph, and the refusals of a weight that holds too few numbers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { type Bnb4Shape, dequantizeBnb4 } from '../../../src/engine/graph/dequantizeBnb4';
import { readProjection } from '../../../src/engine/graph/projectionWeight';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { weightOfOp, worst } from './opOnIdentity';

const { DataType } = onnxProto.onnx.TensorProto;
const INT = onnxProto.onnx.AttributeProto.AttributeType.INT;

/** Codes of W `[N, K]` flattened row-major, two a byte, the even index in the high nibble. */
function pack(codes: number[]): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / 2));
  for (const [i, code] of codes.entries()) out[i >> 1] |= i & 1 ? code : code << 4;
  return out;
}

/** onnxruntime's MatMulBnb4 of I_K by the weight: W_O `[K, N]` as the op multiplies by it. */
async function ortWeight(packed: Uint8Array, absmax: Float32Array, shape: Bnb4Shape) {
  const { K, N, blockSize, quantType } = shape;
  const init = (name: string, dataType: number, raw: ArrayBufferView) =>
    onnxProto.onnx.TensorProto.create({
      name,
      dataType,
      dims: [raw.byteLength / (dataType === DataType.FLOAT ? 4 : 1)],
      rawData: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
    });
  const attributes = { K, N, block_size: blockSize, quant_type: quantType };
  const node = {
    opType: 'MatMulBnb4',
    domain: 'com.microsoft',
    input: ['A', 'B', 'absmax'],
    output: ['Y'],
    attribute: Object.entries(attributes).map(([name, i]) => ({ name, i, type: INT })),
  };
  const initializer = [init('B', DataType.UINT8, packed), init('absmax', DataType.FLOAT, absmax)];
  return weightOfOp('bnb4', node, initializer, K, N);
}

describe('MatMulBnb4 dequantisation, against onnxruntime’s kernel', () => {
  // K = 40, N = 3: 120 numbers, blocks of 16 cross rows and leave the last one 8 long;
  // K = 7, N = 3: 21 numbers, an odd count (the last byte's low nibble is padding).
  for (const [K, N, blockSize] of [
    [40, 3, 16],
    [40, 3, 32],
    [7, 3, 16],
  ]) {
    for (const [quantType, kind] of [
      [0, 'FP4'],
      [1, 'NF4'],
    ] as const) {
      it(`${kind}, K ${K}, N ${N}, block ${blockSize}: every code, each block its absmax`, async () => {
        const shape = { K, N, blockSize, quantType };
        const codes = Array.from({ length: N * K }, (_, i) => (i * 7 + 3) % 16);
        const blocks = Math.ceil((N * K) / blockSize);
        const absmax = Float32Array.from({ length: blocks }, (_, b) => 0.75 + 0.3125 * b);
        const packed = pack(codes);
        const got = dequantizeBnb4(packed, absmax, shape);
        const ort = await ortWeight(packed, absmax, shape);
        assert.ok(worst(got, ort) <= 1e-6, `onnxruntime differs by ${worst(got, ort)}`);
        assert.ok(
          got.some((x) => x !== 0),
          'not all zeros',
        );
      });
    }
  }

  it('known levels: NF4 code 15 and FP4 code 3 are +absmax, FP4 code 11 −absmax; W[n, k] lands at [k, n]', () => {
    const absmax = Float32Array.of(2);
    // W [N 2, K 2] = [[15, 0], [7, 8]] in NF4: 2, −2, 0, 0.0796 · 2.
    const nf4 = dequantizeBnb4(pack([15, 0, 7, 8]), absmax, {
      K: 2,
      N: 2,
      blockSize: 16,
      quantType: 1,
    });
    assert.deepEqual(Array.from(nf4), [
      2,
      0,
      -2,
      Math.fround(Math.fround(0.07958029955625534) * 2),
    ]);
    const fp4 = dequantizeBnb4(pack([3, 11]), absmax, { K: 2, N: 1, blockSize: 16, quantType: 0 });
    assert.deepEqual(Array.from(fp4), [2, -2]);
  });

  it('weights that hold fewer numbers than K and N say, or other attributes, are refused with a reason', () => {
    const shape = { K: 40, N: 3, blockSize: 16, quantType: 1 };
    assert.throws(
      () => dequantizeBnb4(new Uint8Array(59), new Float32Array(8), shape),
      /fewer numbers than K 40, N 3/,
    );
    assert.throws(
      () => dequantizeBnb4(new Uint8Array(60), new Float32Array(7), shape),
      /fewer numbers/,
    );
    assert.throws(
      () => dequantizeBnb4(new Uint8Array(60), new Float32Array(8), { ...shape, quantType: 2 }),
      /quant_type 2 is neither 0 \(FP4\) nor 1 \(NF4\)/,
    );
    assert.throws(
      () => dequantizeBnb4(new Uint8Array(60), new Float32Array(8), { ...shape, blockSize: 24 }),
      /block_size 24 is not one of/,
    );
  });
});

describe('the bnb4 fixture’s output projections', () => {
  const file = join(HF_FIXTURES, 'gpt2-optimized', 'model_bnb4.onnx');
  const graph = () => decodeOnnx(readFileSync(file), file).graph as onnx.IGraphProto;
  const bnb4 = { K: 32, N: 32, blockSize: 64, quantType: 1 };

  it('each layer’s W_O read from the graph is what onnxruntime’s op multiplies by, dequantized once', async () => {
    const g = graph();
    const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
    for (const layer of [0, 1]) {
      const weight = `h_${layer}_c_proj_weight_bnb4`;
      const absmax = `h_${layer}_c_proj_weight_absmax`;
      const read = readProjection(g, { weight, transposed: false, bnb4: { ...bnb4, absmax } }, []);
      assert.ok(typeof read === 'object', String(read));
      assert.deepEqual([read.rows, read.cols], [32, 32]);
      const packed = new Uint8Array(inits.get(weight)?.rawData ?? []);
      const scales = new Float32Array(new Uint8Array(inits.get(absmax)?.rawData ?? []).buffer);
      const ort = await ortWeight(packed, scales, bnb4);
      assert.ok(worst(read.data(), ort) <= 1e-6, `layer ${layer}: ${worst(read.data(), ort)}`);
      assert.equal(read.data(), read.data());
    }
  });

  it('a packed weight or absmax cut short is refused when the graph is read, naming the weight', () => {
    const g = graph();
    const weight = 'h_0_c_proj_weight_bnb4';
    const absmax = 'h_0_c_proj_weight_absmax';
    for (const [name, keep] of [
      [weight, 511],
      [absmax, 60],
    ] as const) {
      const cut = graph();
      const tensor = cut.initializer?.find((t) => t.name === name) as onnx.ITensorProto;
      tensor.rawData = new Uint8Array(tensor.rawData ?? []).subarray(0, keep);
      const read = readProjection(
        cut,
        { weight, transposed: false, bnb4: { ...bnb4, absmax } },
        [],
      );
      assert.equal(read, `${weight}: MatMulBnb4 weights hold fewer numbers than K 32, N 32 say`);
    }
    const wrongType = g.initializer?.find((t) => t.name === absmax) as onnx.ITensorProto;
    wrongType.dataType = DataType.INT32;
    const read = readProjection(g, { weight, transposed: false, bnb4: { ...bnb4, absmax } }, []);
    assert.match(
      String(read),
      /absmax h_0_c_proj_weight_absmax not a float32 or float16 initializer/,
    );
  });
});
