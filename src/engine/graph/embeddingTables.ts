/**
 * Where a graph's tokens and positions enter: the token embedding is the 2-D initializer a
 * Gather reads with the input ids; a learned (or fixed sinusoid) position table is another
 * 2-D initializer of the same width read by a Gather with computed indices (positions).
 * Rotary positions show as Sin/Cos of computed tensors, or as a pair of constant cos/sin
 * caches gathered at the same computed positions (ONNX Runtime's model builder, opened up
 * from GroupQueryAttention). ONNX Runtime's EmbedLayerNormalization reads both tables
 * itself (the optimizer's BERT). Reading and zeroing a table's
 * float32 numbers (inline or in external data) is here too.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { ExternalDataFile } from './externalDataFile';
import { GraphIndex, int64 } from './graphIndex';

/** The embedding initializers of a graph, by name. */
export interface EmbeddingTables {
  token?: onnx.ITensorProto;
  position?: onnx.ITensorProto;
  /** The graph computes Sin and Cos of positions (rotary embeddings). */
  rotary: boolean;
}

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;
const EXTERNAL = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;

export function findEmbeddingTables(graph: onnx.IGraphProto, inputIds: string): EmbeddingTables {
  const index = new GraphIndex(graph);
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const gathered = (graph.node ?? [])
    .filter((n) => n.opType === 'Gather' && initializers.has(n.input?.[0] ?? ''))
    .map((n) => ({
      table: initializers.get(n.input?.[0] ?? '') as onnx.ITensorProto,
      indices: n.input?.[1] ?? '',
    }))
    .filter(({ table }) => (table.dims ?? []).length === 2 && table.dataType === FLOAT);
  const fused = embedLayerNormTables(index, initializers, inputIds);
  const token = gathered.find((g) => g.indices === inputIds)?.table ?? fused.token;
  const width = token ? int64(token.dims?.[1]) : undefined;
  // Token types (2 rows) and other small lookups are not positions.
  const position =
    gathered.find(
      (g) =>
        g.table !== token && int64(g.table.dims?.[0]) >= 8 && int64(g.table.dims?.[1]) === width,
    )?.table ?? fused.position;
  const computed = (n: onnx.INodeProto) => !index.isConstant(n.input?.[0] ?? '');
  const rotary =
    ((graph.node ?? []).some((n) => n.opType === 'Sin' && computed(n)) &&
      (graph.node ?? []).some((n) => n.opType === 'Cos' && computed(n))) ||
    hasRotaryCaches(index, inputIds);
  return { ...(token ? { token } : {}), ...(position ? { position } : {}), rotary };
}

/**
 * The tables of ONNX Runtime's `EmbedLayerNormalization` (the transformer optimizer's
 * BERT embeddings): word_embedding (input 2) read with the input ids (maybe cast to int32),
 * position_embedding (input 3) at positions 0…S−1 unless position_ids are given.
 */
function embedLayerNormTables(
  index: GraphIndex,
  initializers: Map<string, onnx.ITensorProto>,
  inputIds: string,
): { token?: onnx.ITensorProto; position?: onnx.ITensorProto } {
  const readsIds = (tensor: string) => {
    const cast = index.producer(tensor);
    return tensor === inputIds || (cast?.opType === 'Cast' && cast.input?.[0] === inputIds);
  };
  const node = index.nodes.find(
    (n) => n.opType === 'EmbedLayerNormalization' && readsIds(n.input?.[0] ?? ''),
  );
  const table = (i: number) => {
    const t = initializers.get(node?.input?.[i] ?? '');
    return t && (t.dims ?? []).length === 2 && t.dataType === FLOAT ? t : undefined;
  };
  return { token: table(2), position: table(3) };
}

/** Two Gathers of constant 2-D tables of one shape (through a Cast) at the same computed indices. */
function hasRotaryCaches(index: GraphIndex, inputIds: string): boolean {
  const table = (name: string): number[] | undefined => {
    const cast = index.producer(name);
    const dims = index.constantDims(cast?.opType === 'Cast' ? (cast.input?.[0] ?? '') : name);
    return dims?.length === 2 ? dims : undefined;
  };
  const seen = new Set<string>();
  for (const node of index.nodes) {
    const [data, indices] = node.input ?? [];
    const dims = node.opType === 'Gather' && data ? table(data) : undefined;
    if (!dims || !indices || indices === inputIds || index.isConstant(indices)) continue;
    const key = `${indices}|${dims.join('x')}`;
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

/** The first `rows` rows of a float32 2-D initializer, from the graph or its external data. */
export function readTableRows(
  tensor: onnx.ITensorProto,
  external: readonly ExternalDataFile[],
  rows: number,
): Float32Array {
  const [total, width] = (tensor.dims ?? []).map(int64);
  const count = Math.min(rows, total) * width;
  if (tensor.floatData && tensor.floatData.length > 0)
    return Float32Array.from(tensor.floatData.slice(0, count));
  let bytes = tensor.rawData ?? new Uint8Array(0);
  if (tensor.dataLocation === EXTERNAL) {
    const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value ?? '';
    const file = external.find((f) => f.path === entry('location'));
    const offset = Number(entry('offset') || 0);
    bytes = file ? file.data.subarray(offset, offset + total * width * 4) : new Uint8Array(0);
  }
  if (bytes.length < count * 4)
    throw new Error(`the table ${tensor.name} holds fewer numbers than its shape says`);
  // A copy at offset 0 (a Node Buffer's slice would share an unaligned pool).
  const copy = new Uint8Array(bytes.subarray(0, count * 4));
  return new Float32Array(copy.buffer, 0, count);
}

/** Replaces a float32 initializer's numbers by zeros (kept in the graph, not external data). */
export function zeroTable(tensor: onnx.ITensorProto): void {
  const size = (tensor.dims ?? []).map(int64).reduce((a, b) => a * b, 1);
  tensor.floatData = [];
  tensor.rawData = new Uint8Array(size * 4);
  tensor.dataLocation = onnxProto.onnx.TensorProto.DataLocation.DEFAULT;
  tensor.externalData = [];
}
