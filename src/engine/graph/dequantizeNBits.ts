/**
 * com.microsoft MatMulNBits' weight as the float32 matrix the op multiplies by (ONNX Runtime's
 * ContribOperators.md, "com.microsoft.MatMulNBits"): B `[N, ⌈K / block⌉, block · bits / 8]`
 * uint8 holds, per output column n and block of K, the codes packed low bits first; scales
 * `[N · blocks]`; zero points either packed like B (uint8 `[N, ⌈blocks · bits / 8⌉]`, each
 * column padded to whole bytes) or unpacked in the scales' type `[N · blocks]`, and
 * 2^(bits−1) when absent. W[k, n] = (code − zero point) · scale.
 */

export interface NBitsShape {
  K: number;
  N: number;
  blockSize: number;
  bits: number;
}

/** Why `dequantizeNBits` would refuse these weights, before spending the time: or undefined. */
export function nbitsRefusal(
  packed: Uint8Array,
  scales: Float32Array,
  { K, N, blockSize, bits }: NBitsShape,
): string | undefined {
  if (![2, 4, 8].includes(bits)) return `MatMulNBits with ${bits} bits is not read`;
  const blocks = Math.ceil(K / blockSize);
  if (packed.length < (N * blocks * blockSize * bits) / 8 || scales.length < N * blocks) {
    return `MatMulNBits weights hold fewer numbers than K ${K}, N ${N} say`;
  }
  return undefined;
}

/** `[K, N]` row-major: row k is what input feature k adds to each of the N outputs. */
export function dequantizeNBits(
  packed: Uint8Array,
  scales: Float32Array,
  zeroPoints: Uint8Array | Float32Array | undefined,
  { K, N, blockSize, bits }: NBitsShape,
): Float32Array {
  const refused = nbitsRefusal(packed, scales, { K, N, blockSize, bits });
  if (refused) throw new Error(refused);
  const blocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const zeroBytes = Math.ceil((blocks * bits) / 8);
  const zeroOf = (n: number, b: number): number => {
    if (zeroPoints === undefined) return 1 << (bits - 1);
    if (zeroPoints instanceof Float32Array) return zeroPoints[n * blocks + b];
    const byte = zeroPoints[n * zeroBytes + Math.floor(b / perByte)];
    return (byte >> ((b % perByte) * bits)) & mask;
  };
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < blocks; b++) {
      const scale = scales[n * blocks + b];
      const zero = zeroOf(n, b);
      const start = (n * blocks + b) * blob;
      const end = Math.min(blockSize, K - b * blockSize);
      for (let i = 0; i < end; i++) {
        const byte = packed[start + Math.floor(i / perByte)];
        const code = (byte >> ((i % perByte) * bits)) & mask;
        out[(b * blockSize + i) * N + n] = (code - zero) * scale;
      }
    }
  }
  return out;
}
