/**
 * com.microsoft MatMulBnb4's weight (bitsandbytes 4-bit) as the float32 matrix the op
 * multiplies by. As ONNX Runtime's CPU kernel reads it (contrib_ops/cpu/quantization/
 * matmul_bnb4.cc, dequantize_blockwise_bnb4.h, blockwise_quant_block_bnb4.h): B is the
 * `[N, K]` weight flattened row-major and packed two codes a byte, the even flat index in the
 * HIGH nibble, `(N · K + 1) / 2` bytes; absmax `[⌈N · K / block⌉]` scales each block of that
 * flat order (a block may run across rows); W[n, k] = table[code] · absmax[block], the table
 * FP4's (quant_type 0) or NF4's (quant_type 1), in float32. The op then multiplies A by Wᵀ
 * (transB 1, its default and what exporters write).
 */

export interface Bnb4Shape {
  K: number;
  N: number;
  blockSize: number;
  /** 0: FP4, 1: NF4. */
  quantType: number;
}

/** The block sizes ONNX Runtime's kernel dequantizes; it refuses others. */
export const BNB4_BLOCK_SIZES: readonly number[] = [16, 32, 64, 128, 256];

// ORT's fp4_qaunt_map and nf4_qaunt_map, float32 as the kernel holds them.
// biome-ignore format: code tables
const FP4 = Float32Array.of(
  0, 5.208333333e-3, 0.66666667, 1, 0.33333333, 0.5, 0.16666667, 0.25,
  -0, -5.208333333e-3, -0.66666667, -1, -0.33333333, -0.5, -0.16666667, -0.25,
);
// biome-ignore format: code tables
const NF4 = Float32Array.of(
  -1, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
  -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0,
  0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1,
);

/** Why `dequantizeBnb4` would refuse these weights, before spending the time: or undefined. */
export function bnb4Refusal(
  packed: Uint8Array,
  absmax: Float32Array,
  { K, N, blockSize, quantType }: Bnb4Shape,
): string | undefined {
  if (quantType !== 0 && quantType !== 1)
    return `MatMulBnb4 quant_type ${quantType} is neither 0 (FP4) nor 1 (NF4)`;
  if (!BNB4_BLOCK_SIZES.includes(blockSize))
    return `MatMulBnb4 block_size ${blockSize} is not one of ${BNB4_BLOCK_SIZES.join(', ')}`;
  if (!(K > 0 && N > 0)) return `MatMulBnb4 K ${K} and N ${N} must be positive`;
  const count = N * K;
  if (packed.length < Math.ceil(count / 2) || absmax.length < Math.ceil(count / blockSize))
    return `MatMulBnb4 weights hold fewer numbers than K ${K}, N ${N} say`;
  return undefined;
}

/** `[K, N]` row-major: row k is what input feature k adds to each of the N outputs. */
export function dequantizeBnb4(
  packed: Uint8Array,
  absmax: Float32Array,
  shape: Bnb4Shape,
): Float32Array {
  const refused = bnb4Refusal(packed, absmax, shape);
  if (refused) throw new Error(refused);
  const { K, N, blockSize, quantType } = shape;
  const table = quantType === 0 ? FP4 : NF4;
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const flat = n * K + k;
      const byte = packed[flat >> 1];
      const code = flat & 1 ? byte & 0xf : byte >> 4;
      // Both factors are float32; Float32Array rounds their product as the kernel's float does.
      out[k * N + n] = table[code] * absmax[Math.floor(flat / blockSize)];
    }
  }
  return out;
}
