/**
 * The bytes a session is created from after the graph was edited, without copying the
 * weights. Decoding keeps every initializer's `raw_data` as a view into the file's buffer
 * (protobufjs slices bytes fields); re-encoding them would copy the whole model once in
 * JavaScript, and onnxruntime-web would then copy those bytes into its WASM heap, parse them
 * into a second copy and build the tensors from that (a 620 MiB model cost 5 s and ~2 GiB
 * more at its peak; docs/performance.md, "Loading a 620 MiB model").
 *
 * Instead each large inline initializer is written as external data that points back at
 * the bytes where they already lie: location = the graph file itself, offset and length
 * of its `raw_data` there. The graph that is encoded is then the small part (nodes, names,
 * shapes), and onnxruntime copies each weight once, straight from the file's buffer into
 * its tensor. The model the session runs is the same, tensor by tensor.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import type { ExternalDataFile } from './externalDataFile';
import { encodeOnnx } from './exposeTensors';

/** The graph to hand to onnxruntime with the external files it needs besides the folder's. */
export interface SessionGraph {
  onnxBytes: Uint8Array;
  /** The graph file itself when weights were left in it; empty when every weight was encoded. */
  externalData: ExternalDataFile[];
}

const EXTERNAL = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;

/**
 * Initializers smaller than this stay inline: copying them is free, and shape-like constants
 * that graph optimisations read stay plain (onnx's own `size_threshold` default).
 */
export const MIN_EXTERNAL_BYTES = 1024;

/**
 * Encodes `model` (decoded from `source`, then edited) for a session, leaving the weights
 * that still lie in `source` where they are. `graphPath` is the graph's path in its folder;
 * its file name becomes the external-data location. `model` is left as it was.
 */
export function sessionGraph(
  model: onnx.IModelProto,
  source: Uint8Array,
  graphPath: string,
): SessionGraph {
  const location = graphPath.slice(graphPath.lastIndexOf('/') + 1);
  // Top-level initializers only: onnxruntime-web 1.30 refuses external data in a subgraph's
  // ("external data path could not be canonicalized"), seen on a merged decoder's If branch.
  const tensors = model.graph?.initializer ?? [];
  // A graph that names its own file as external data already: leave it as it is.
  if (tensors.some((t) => t.dataLocation === EXTERNAL && locationOf(t) === location))
    return { onnxBytes: encodeOnnx(model), externalData: [] };
  const moved: Saved[] = [];
  try {
    for (const tensor of tensors) {
      const offset = offsetIn(source, tensor);
      if (offset === undefined) continue;
      const rawData = tensor.rawData as Uint8Array;
      moved.push(save(tensor));
      // Deleted, not emptied: the encoder writes a field only when the message owns it.
      delete tensor.rawData;
      tensor.dataLocation = EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(rawData.byteLength) },
      ];
    }
    const onnxBytes = encodeOnnx(model);
    return { onnxBytes, externalData: moved.length > 0 ? [{ path: location, data: source }] : [] };
  } finally {
    for (const saved of moved) restore(saved);
  }
}

const CHANGED = ['rawData', 'dataLocation', 'externalData'] as const;

/** A tensor's changed fields as it owned them (decoded messages own some, inherit others). */
interface Saved {
  tensor: onnx.ITensorProto;
  own: Map<(typeof CHANGED)[number], unknown>;
}

function save(tensor: onnx.ITensorProto): Saved {
  const own = new Map<(typeof CHANGED)[number], unknown>();
  for (const key of CHANGED) if (Object.hasOwn(tensor, key)) own.set(key, tensor[key]);
  return { tensor, own };
}

function restore({ tensor, own }: Saved): void {
  const fields = tensor as Record<string, unknown>;
  for (const key of CHANGED) {
    if (own.has(key)) fields[key] = own.get(key);
    else delete fields[key];
  }
}

/** Where the tensor's `raw_data` starts in `source`; undefined when it is not a large view into it. */
function offsetIn(source: Uint8Array, tensor: onnx.ITensorProto): number | undefined {
  const raw = tensor.rawData;
  if (!raw || raw.byteLength < MIN_EXTERNAL_BYTES || tensor.dataLocation === EXTERNAL)
    return undefined;
  if (raw.buffer !== source.buffer) return undefined;
  const offset = raw.byteOffset - source.byteOffset;
  if (offset < 0 || offset + raw.byteLength > source.byteLength) return undefined;
  return offset;
}

function locationOf(tensor: onnx.ITensorProto): string | undefined {
  return tensor.externalData?.find((entry) => entry.key === 'location')?.value ?? undefined;
}

/**
 * The opposite: `graph` with every external tensor that one of `files` holds put back
 * inline, as one self-contained model (for onnxruntime-node, which takes no external data
 * from memory, and for checking that a session graph is the model it stands for).
 */
export function inlineWeights(graph: Uint8Array, files: readonly ExternalDataFile[]): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(graph);
  for (const tensor of model.graph?.initializer ?? []) {
    const file = files.find((f) => f.path === locationOf(tensor));
    if (tensor.dataLocation !== EXTERNAL || !file) continue;
    const entry = (key: string) => Number(tensor.externalData?.find((e) => e.key === key)?.value);
    const offset = entry('offset') || 0;
    tensor.rawData = file.data.subarray(offset, offset + entry('length'));
    tensor.externalData = [];
    delete tensor.dataLocation;
  }
  return encodeOnnx(model);
}
