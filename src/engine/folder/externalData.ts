/**
 * External weights: the files a graph names in its initializers' `external_data`
 * `location` (`model.onnx_data`, `model.onnx.data`, `model.onnx_data_1`…). A location is
 * relative to the graph's own directory and may never leave the model folder.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { modelError } from '../modelError';
import type { ModelFiles } from './modelFiles';

/** One external-data file, as onnxruntime's `externalData` session option takes it. */
export interface ExternalDataFile {
  /** The location exactly as the graph writes it. */
  path: string;
  data: Uint8Array;
}

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
  return Promise.all(
    externalLocations(graph, graphPath, files.label).map(async (location) => {
      const data = await files.read(dir + location);
      if (!data) {
        throw modelError(
          'missingFile',
          files.label,
          dir + location,
          `not found (${graphPath} keeps its weights there)`,
          'Copy or download the external data file along with the graph.',
        );
      }
      return { path: location, data };
    }),
  );
}

/** A plain relative path with no `..`, no drive, no backslash, no empty or dot segment. */
function isInsideFolder(location: string): boolean {
  if (location === '' || location.startsWith('/') || /[\\:]/.test(location)) return false;
  return location.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
