/**
 * External weights: the files a graph names in its initializers' `external_data`
 * `location` (`model.onnx_data`, `model.onnx.data`, `model.onnx_data_1`…). A location is
 * relative to the graph's own directory and may never leave the model folder.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { modelError } from '../modelError';
import type { ModelFiles } from './modelFiles';
import type { ExternalDataFile } from '../graph/externalDataFile';

const EXTERNAL = onnxProto.onnx.TensorProto.DataLocation.EXTERNAL;

/** The distinct locations the graph's initializers name, checked to stay inside the folder. */
export function externalLocations(
  graph: onnx.IGraphProto,
  graphPath: string,
  label: string,
): string[] {
  const locations = new Set<string>();
  for (const tensor of graph.initializer ?? []) {
    if (tensor.dataLocation !== EXTERNAL) continue;
    const location = tensor.externalData?.find((entry) => entry.key === 'location')?.value ?? '';
    if (!isInsideFolder(location)) {
      throw modelError(
        'unsupportedOnnx',
        label,
        graphPath,
        `keeps the weights of "${tensor.name}" in external data at ${JSON.stringify(location)}, which is not a file inside the model folder`,
        'External data must lie next to the graph file (e.g. model.onnx_data); re-save the model with a relative location.',
      );
    }
    locations.add(location);
  }
  return [...locations];
}

/** Reads every external-data file of the graph; a missing one is a `missingFile` error. */
export async function readExternalData(
  files: ModelFiles,
  graph: onnx.IGraphProto,
  graphPath: string,
): Promise<ExternalDataFile[]> {
  const dir = graphPath.includes('/') ? graphPath.slice(0, graphPath.lastIndexOf('/') + 1) : '';
  const spans = externalSpans(graph, graphPath, files.label);
  return Promise.all(
    externalLocations(graph, graphPath, files.label).map(async (location) => {
      const name = dir + location;
      const wanted = spans.get(location) ?? [];
      const known = wanted.every((span) => span.length !== undefined);
      // Only the named ranges are read, into a buffer that ends where the last one ends.
      const end = Math.max(0, ...wanted.map((span) => span.offset + (span.length ?? 0)));
      const got =
        known && files.readSpans
          ? await files.readSpans(name, wanted as Required<TensorSpan>[], end)
          : await files.read(name).then((data) => data && { size: data.byteLength, data });
      if (!got) {
        throw modelError(
          'missingFile',
          files.label,
          name,
          `not found (${graphPath} keeps its weights there)`,
          'Copy or download the external data file along with the graph.',
        );
      }
      checkSpans(wanted, got.size, name, graphPath, files.label);
      return { path: location, data: got.data };
    }),
  );
}

/** Where one initializer lies in its external-data file. */
interface TensorSpan {
  tensor: string;
  offset: number;
  /** From the graph's `length`, or the tensor's own size when the graph leaves it out. */
  length?: number;
}

/** Each location's spans, with offsets and lengths checked to be whole numbers. */
function externalSpans(
  graph: onnx.IGraphProto,
  graphPath: string,
  label: string,
): Map<string, TensorSpan[]> {
  const spans = new Map<string, TensorSpan[]>();
  for (const tensor of graph.initializer ?? []) {
    if (tensor.dataLocation !== EXTERNAL) continue;
    const entry = (key: string) => tensor.externalData?.find((e) => e.key === key)?.value;
    const location = entry('location') ?? '';
    const number = (key: 'offset' | 'length'): number | undefined => {
      const text = entry(key);
      if (text === undefined || text === null) return undefined;
      const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
      if (!Number.isSafeInteger(value)) {
        throw modelError(
          'corruptOnnx',
          label,
          graphPath,
          `gives the external data of "${tensor.name}" the ${key} ${JSON.stringify(text)}, not a byte count`,
          'Re-save the model with its external data (onnx.save_model(..., save_as_external_data=True)).',
        );
      }
      return value;
    };
    const span: TensorSpan = {
      tensor: tensor.name ?? '',
      offset: number('offset') ?? 0,
    };
    const length = number('length') ?? tensorBytes(tensor);
    if (length !== undefined) span.length = length;
    spans.set(location, [...(spans.get(location) ?? []), span]);
  }
  return spans;
}

/** Every span must lie inside the file, or onnxruntime fails with a parse message. */
function checkSpans(
  spans: readonly TensorSpan[],
  size: number,
  name: string,
  graphPath: string,
  label: string,
): void {
  const outside = spans.find((span) => span.offset + (span.length ?? 0) > size);
  if (!outside) return;
  throw modelError(
    'corruptOnnx',
    label,
    graphPath,
    `places the weights of "${outside.tensor}" at bytes ${outside.offset}–${outside.offset + (outside.length ?? 0)} of ${name}, which has ${size} bytes`,
    'The graph and its external data do not belong together: copy both from the same export.',
  );
}

/** Bytes of a tensor from its dims and element type; undefined for types of no fixed size. */
function tensorBytes(tensor: onnx.ITensorProto): number | undefined {
  const size = ELEMENT_BYTES[tensor.dataType ?? 0];
  if (size === undefined) return undefined;
  const count = (tensor.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  return Math.ceil(count * size);
}

/** Bytes per element of ONNX's TensorProto.DataType (4-bit types pack two per byte). */
const ELEMENT_BYTES: Record<number, number> = {
  1: 4,
  2: 1,
  3: 1,
  4: 2,
  5: 2,
  6: 4,
  7: 8,
  9: 1,
  10: 2,
  11: 8,
  12: 4,
  13: 8,
  16: 2,
  17: 1,
  18: 1,
  19: 1,
  20: 1,
  21: 0.5,
  22: 0.5,
};

/** A plain relative path with no `..`, no drive, no backslash, no empty or dot segment. */
function isInsideFolder(location: string): boolean {
  if (location === '' || location.startsWith('/') || /[\\:]/.test(location)) return false;
  return location.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
