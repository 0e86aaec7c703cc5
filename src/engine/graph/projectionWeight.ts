/**
 * A layer's output projection W_O as float32 `[H · dv, D]`, read once per model from the
 * graph's initializers (issue 24): a float32 or float16 matrix (a Gemm's transB undone), or a
 * com.microsoft MatMulNBits or MatMulBnb4 weight dequantized as the op dequantizes it
 * (dequantizeNBits.ts, dequantizeBnb4.ts).
 * Reading it once here, not in every norms run, keeps the norm kernels plain float32 MatMuls
 * whatever the weights' precision (docs/decisions.md, "Norms over quantised and half weights").
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { type Bnb4Shape, bnb4Refusal, dequantizeBnb4 } from './dequantizeBnb4';
import { dequantizeNBits, type NBitsShape, nbitsRefusal } from './dequantizeNBits';
import type { ExternalDataFile } from './externalDataFile';
import { GraphIndex, int64 } from './graphIndex';

const { DataType } = onnxProto.onnx.TensorProto;

/** A MatMulNBits weight's other inputs and attributes. */
export interface NBitsWeight extends NBitsShape {
  scales: string;
  zeroPoints?: string;
}

/** A MatMulBnb4 weight's per-block scales and attributes. */
export interface Bnb4Weight extends Bnb4Shape {
  absmax: string;
}

/** Where a projection's weight is, as exposeHeadNorms.ts's Projection names it. */
export interface ProjectionSource {
  weight: string;
  transposed: boolean;
  nbits?: NBitsWeight;
  bnb4?: Bnb4Weight;
}

/**
 * A projection `[rows, cols]`; `data()` its float32 numbers. A 4-bit weight is dequantized on
 * the first call only: until a view asks for norms the model keeps its packed bytes (an eighth
 * of float32), and loading a q4 model does not pay the dequantization (~25 ns a weight).
 */
export interface ProjectionMatrix {
  rows: number;
  cols: number;
  data(): Float32Array;
}

/** The projection `[rows, cols]` as float32, or why it cannot be read. */
export function readProjection(
  graph: onnx.IGraphProto,
  projection: ProjectionSource,
  external: readonly ExternalDataFile[],
): ProjectionMatrix | string {
  const index = new GraphIndex(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const find = (name: string) => initializers.get(throughIdentity(index, name));
  const weight = find(projection.weight);
  if (!weight) return `${projection.weight} is not in the graph's initializers`;
  const { nbits, bnb4 } = projection;
  if (bnb4) return bnb4Projection(weight, find(bnb4.absmax), bnb4, external);
  if (nbits) {
    const scales = find(nbits.scales);
    const zeros = nbits.zeroPoints ? find(nbits.zeroPoints) : undefined;
    if (!scales || (nbits.zeroPoints && !zeros) || weight.dataType !== DataType.UINT8)
      return `the MatMulNBits weight ${projection.weight}'s scales or zero points are not initializers`;
    const zeroPoints = zeros
      ? zeros.dataType === DataType.UINT8
        ? initializerBytes(zeros, external)
        : floatsOf(zeros, external)
      : undefined;
    const scaleFloats = floatsOf(scales, external);
    if (!scaleFloats || (zeroPoints === undefined && zeros))
      return `the MatMulNBits weight ${projection.weight}'s scales are not float32 or float16`;
    const packed = initializerBytes(weight, external);
    // A weight shorter than its attributes say: no norms, and the model still loads.
    const refused = nbitsRefusal(packed, scaleFloats, nbits);
    if (refused) return `${projection.weight}: ${refused}`;
    return lazyNBits(packed, scaleFloats, zeroPoints ?? undefined, nbits);
  }
  const dims = (weight.dims ?? []).map(int64);
  const floats = dims.length === 2 ? floatsOf(weight, external) : undefined;
  if (!floats) return `${projection.weight} is not a float32 or float16 matrix`;
  const [rows, cols] = dims;
  return projection.transposed
    ? heldMatrix(transpose(floats, rows, cols), cols, rows)
    : heldMatrix(floats, rows, cols);
}

// The matrices' `data` closures are made in these small functions, not in `readProjection`:
// V8 gives all closures of a function one context, and one made there would keep its
// GraphIndex alive, the decoded graph with it, and so the whole model file (652 MB for the
// 30-layer benchmark model) for as long as the model stays loaded.

function heldMatrix(data: Float32Array, rows: number, cols: number): ProjectionMatrix {
  return { rows, cols, data: () => data };
}

function lazyNBits(
  packed: Uint8Array,
  scales: Float32Array,
  zeroPoints: Uint8Array | Float32Array | undefined,
  nbits: NBitsWeight,
): ProjectionMatrix {
  let made: Float32Array | undefined;
  return {
    rows: nbits.K,
    cols: nbits.N,
    data: () => (made ??= dequantizeNBits(packed, scales, zeroPoints, nbits)),
  };
}

/** A MatMulBnb4 weight, its sizes checked now and its numbers dequantized when first asked for. */
function bnb4Projection(
  weight: onnx.ITensorProto,
  absmax: onnx.ITensorProto | undefined,
  bnb4: Bnb4Weight,
  external: readonly ExternalDataFile[],
): ProjectionMatrix | string {
  const scales = absmax ? floatsOf(absmax, external) : undefined;
  if (weight.dataType !== DataType.UINT8 || !scales)
    return `the MatMulBnb4 weight ${weight.name} is not uint8 or its absmax ${bnb4.absmax} not a float32 or float16 initializer`;
  const packed = initializerBytes(weight, external);
  const refused = bnb4Refusal(packed, scales, bnb4);
  if (refused) return `${weight.name}: ${refused}`;
  let made: Float32Array | undefined;
  return {
    rows: bnb4.K,
    cols: bnb4.N,
    data: () => (made ??= dequantizeBnb4(packed, scales, bnb4)),
  };
}

/** A float32 or float16 initializer's numbers as float32; undefined for other types. */
function floatsOf(
  tensor: onnx.ITensorProto,
  external: readonly ExternalDataFile[],
): Float32Array | undefined {
  if (tensor.dataType === DataType.FLOAT) {
    if (tensor.floatData && tensor.floatData.length > 0) return Float32Array.from(tensor.floatData);
    const bytes = initializerBytes(tensor, external);
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  }
  if (tensor.dataType !== DataType.FLOAT16) return undefined;
  // float16 kept out of raw data is stored one number per int32 (onnx.proto).
  const bits =
    tensor.int32Data && tensor.int32Data.length > 0
      ? Uint16Array.from(tensor.int32Data)
      : (() => {
          const bytes = initializerBytes(tensor, external);
          return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
        })();
  return Float32Array.from(bits, halfToFloat);
}

/** An initializer's raw bytes (inline or external), copied to offset 0 so typed views align. */
function initializerBytes(
  tensor: onnx.ITensorProto,
  external: readonly ExternalDataFile[],
): Uint8Array {
  if (tensor.dataLocation !== onnxProto.onnx.TensorProto.DataLocation.EXTERNAL)
    return new Uint8Array(tensor.rawData ?? new Uint8Array(0));
  const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value ?? '';
  const file = external.find((f) => f.path === entry('location'));
  const offset = Number(entry('offset') || 0);
  const count = (tensor.dims ?? []).map(int64).reduce((a, b) => a * b, 1);
  const size =
    tensor.dataType === DataType.FLOAT ? 4 : tensor.dataType === DataType.FLOAT16 ? 2 : 1;
  const length = Number(entry('length') || 0) || count * size;
  if (!file) throw new Error(`${tensor.name}'s external data ${entry('location')} was not loaded`);
  return new Uint8Array(file.data.subarray(offset, offset + length));
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** `[rows, cols]` → `[cols, rows]`. */
function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  }
  return out;
}

function throughIdentity(index: GraphIndex, tensor: string): string {
  const node = index.producer(tensor);
  return node?.opType === 'Identity' ? throughIdentity(index, node.input?.[0] ?? '') : tensor;
}
