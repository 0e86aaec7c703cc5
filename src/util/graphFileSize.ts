/**
 * How many bytes a graph file of a model folder takes on disk with its external weights
 * (`model.onnx` + `model.onnx.data`, `model.onnx_data_1`…), for the variant picker: a
 * 4-bit graph is a fraction of the fp32 one, which is why people pick it.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isExternalDataOf } from '../engine/folder/onnxGraphFiles';

/** Bytes of `file` (relative to `dir`) and its external data; undefined when unreadable. */
export function graphFileBytes(dir: string, file: string): number | undefined {
  try {
    const path = join(dir, file);
    const base = file.split('/').pop() ?? file;
    const data = readdirSync(dirname(path)).filter((name) => isExternalDataOf(base, name));
    return [path, ...data.map((name) => join(dirname(path), name))].reduce(
      (sum, p) => sum + statSync(p).size,
      0,
    );
  } catch {
    return undefined;
  }
}

/** `196 KiB`, `1.2 GiB`: bytes as people read a file size. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${value} bytes`
    : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
