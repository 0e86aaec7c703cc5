/**
 * MatMulNBits' weight dequantised (graph/dequantizeNBits.ts, graph/projectionWeight.ts):
 * hand-packed tensors whose numbers are known, with and without zero points, blocks of 16
 * and 32, a K that leaves the last block short; each also checked against onnxruntime's own
 * com.microsoft MatMulNBits multiplying an identity matrix (row k of I · W is W's row k), as
 * are gqa-llama's q4 and q4f16 output projections read from the graphs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { dequantizeNBits, type NBitsShape } from '../../../src/engine/graph/dequantizeNBits';
import { readProjection } from '../../../src/engine/graph/projectionWeight';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { weightOfOp, worst } from './opOnIdentity';

const { DataType } = onnxProto.onnx.TensorProto;

/** Packs codes `[N][K]` (0..15) as B `[N, blocks, block / 2]`, low nibble first, zero-padded. */
function pack4(codes: number[][], blockSize: number): Uint8Array {
  const K = codes[0].length;
  const blocks = Math.ceil(K / blockSize);
  const out = new Uint8Array(codes.length * blocks * (blockSize / 2));
  for (const [n, column] of codes.entries()) {
    for (const [k, code] of column.entries()) {
      const b = Math.floor(k / blockSize);
      const i = k % blockSize;
      out[(n * blocks + b) * (blockSize / 2) + (i >> 1)] |= code << ((i & 1) * 4);
    }
  }
  return out;
}

/** onnxruntime's MatMulNBits of I_K by the weight: W `[K, N]` as the op multiplies by it. */
async function ortWeight(
  inputs: { packed: Uint8Array; scales: Float32Array; zeros?: Uint8Array },
  { K, N, blockSize, bits }: NBitsShape,
): Promise<Float32Array> {
  const blocks = Math.ceil(K / blockSize);
  const init = (name: string, dataType: number, dims: number[], raw: ArrayBufferView) =>
    onnxProto.onnx.TensorProto.create({
      name,
      dataType,
      dims,
      rawData: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength),
    });
  const initializer = [
    init('B', DataType.UINT8, [N, blocks, (blockSize * bits) / 8], inputs.packed),
    init('scales', DataType.FLOAT, [N * blocks], inputs.scales),
    ...(inputs.zeros ? [init('zeros', DataType.UINT8, [inputs.zeros.length], inputs.zeros)] : []),
  ];
  const attribute = Object.entries({ K, N, bits, block_size: blockSize }).map(([name, i]) => ({
    name,
    i,
    type: onnxProto.onnx.AttributeProto.AttributeType.INT,
  }));
  const node = {
    opType: 'MatMulNBits',
    domain: 'com.microsoft',
    input: ['A', 'B', 'scales', ...(inputs.zeros ? ['zeros'] : [])],
    output: ['Y'],
    attribute,
  };
  return weightOfOp('nbits', node, initializer, K, N);
}

describe('MatMulNBits dequantisation', () => {
  // N = 3 columns, codes from a fixed pattern, K = 40: blocks of 16 leave the last one 8 long.
  const K = 40;
  const N = 3;
  const codes = Array.from({ length: N }, (_, n) =>
    Array.from({ length: K }, (_, k) => (k * 7 + n * 5 + 3) % 16),
  );
  for (const blockSize of [16, 32]) {
    const blocks = Math.ceil(K / blockSize);
    const scales = Float32Array.from({ length: N * blocks }, (_, i) => 0.25 + 0.125 * i);
    // Zero points packed two per byte, each column padded to whole bytes.
    const zeroOf = (n: number, b: number) => (n * 3 + b * 5 + 1) % 16;
    const zeroBytes = Math.ceil(blocks / 2);
    const zeros = new Uint8Array(N * zeroBytes);
    for (let n = 0; n < N; n++)
      for (let b = 0; b < blocks; b++)
        zeros[n * zeroBytes + (b >> 1)] |= zeroOf(n, b) << ((b & 1) * 4);
    const shape = { K, N, blockSize, bits: 4 };
    const packed = pack4(codes, blockSize);
    for (const withZeros of [false, true]) {
      it(`block ${blockSize}, ${withZeros ? 'packed zero points' : 'the implied zero point 8'}: (code − zero) · scale, as onnxruntime multiplies`, async () => {
        const got = dequantizeNBits(packed, scales, withZeros ? zeros : undefined, shape);
        const want = new Float32Array(K * N);
        for (let n = 0; n < N; n++) {
          for (let k = 0; k < K; k++) {
            const b = Math.floor(k / blockSize);
            const zero = withZeros ? zeroOf(n, b) : 8;
            want[k * N + n] = (codes[n][k] - zero) * scales[n * blocks + b];
          }
        }
        assert.deepEqual(got, want);
        const ort = await ortWeight({ packed, scales, ...(withZeros ? { zeros } : {}) }, shape);
        assert.ok(worst(got, ort) <= 1e-6, `onnxruntime differs by ${worst(got, ort)}`);
      });
    }
  }

  it('unpacked float zero points (the scales’ type) are subtracted as they are', () => {
    const got = dequantizeNBits(
      pack4([[9, 2, 15, 0]], 16),
      Float32Array.of(0.5),
      Float32Array.of(1.5),
      { K: 4, N: 1, blockSize: 16, bits: 4 },
    );
    assert.deepEqual(Array.from(got), [3.75, 0.25, 6.75, -0.75]);
  });

  for (const variant of ['q4', 'q4f16']) {
    it(`gqa-llama ${variant}: each layer's W_O read from the graph is what onnxruntime's op multiplies by`, async () => {
      const file = join(HF_FIXTURES, 'gqa-llama', 'onnx', `model_${variant}.onnx`);
      const model = decodeOnnx(readFileSync(file), file);
      const graph = model.graph as onnx.IGraphProto;
      const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
      for (const layer of [0, 1]) {
        const node = (graph.node ?? []).find(
          (n) => n.input?.[1] === `layers.${layer}.attn.o_proj.weight_Q4`,
        );
        assert.ok(node);
        const [, weight, scales] = node.input ?? [];
        const nbits = { scales, K: 64, N: 64, blockSize: 32, bits: 4 };
        const read = readProjection(graph, { weight, transposed: false, nbits }, []);
        assert.ok(typeof read === 'object', String(read));
        const scaleTensor = inits.get(scales) as onnx.ITensorProto;
        // float16 scales widened exactly; then the op's float32 arithmetic.
        const floats =
          scaleTensor.dataType === DataType.FLOAT16
            ? Float32Array.from(
                new Uint16Array(new Uint8Array(scaleTensor.rawData ?? []).buffer),
                half,
              )
            : new Float32Array(new Uint8Array(scaleTensor.rawData ?? []).buffer);
        const packed = new Uint8Array(inits.get(weight)?.rawData ?? []);
        const ort = await ortWeight({ packed, scales: floats }, nbits);
        assert.ok(worst(read.data(), ort) <= 1e-6, `layer ${layer}: ${worst(read.data(), ort)}`);
        // Dequantized once, when first asked for (the model keeps the packed bytes until then).
        assert.equal(read.data(), read.data());
      }
    });
  }
});

function half(h: number): number {
  const exponent = (h >> 10) & 0x1f;
  const magnitude =
    exponent === 0 ? (h & 0x3ff) * 2 ** -24 : 2 ** (exponent - 15) * (1 + (h & 0x3ff) / 1024);
  return h & 0x8000 ? -magnitude : magnitude;
}
