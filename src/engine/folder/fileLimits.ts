/**
 * The largest files a model folder may hold. Every `ModelFiles` checks a file's size
 * against these before reading a byte of it, so an oversize (or endless) file costs
 * nothing. docs/model-format.md ("Size limits") explains the numbers.
 */
import { modelError, type ModelError } from '../modelError';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** Protobuf cannot encode a message of 2 GiB or more, so neither can an ONNX file. */
export const MAX_ONNX_BYTES = 2 * GiB - 1;

/** JSON files (manifest, tokenizer, configs); the largest real tokenizer.json is ~35 MB. */
export const MAX_JSON_BYTES = 256 * MiB;

/**
 * tokenizer.json alone: the largest real ones are ~35 MB, and parsing and building a
 * tokenizer costs ~15× its size in memory (a 240 MB one took 51 s and 3.5 GB).
 */
export const MAX_TOKENIZER_BYTES = 64 * MiB;

/**
 * External weights (`model.onnx_data`…): onnxruntime-web holds every weight in its 4 GiB
 * WASM memory, so no single weights file can be larger.
 */
export const MAX_EXTERNAL_DATA_BYTES = 4 * GiB;

/** The most bytes `name` may have. */
export function maxBytesOf(name: string): number {
  if (name === 'tokenizer.json' || name.endsWith('/tokenizer.json')) return MAX_TOKENIZER_BYTES;
  if (name.endsWith('.json')) return MAX_JSON_BYTES;
  return name.endsWith('.onnx') ? MAX_ONNX_BYTES : MAX_EXTERNAL_DATA_BYTES;
}

/** The error for a file of `size` bytes that is over its limit, saying what to do. */
export function tooLarge(label: string, name: string, size: number): ModelError {
  const limit = maxBytesOf(name);
  const advice = name.endsWith('.onnx')
    ? 'An ONNX file cannot be larger than 2 GiB (protobuf’s limit); models that big keep their weights as external data (model.onnx_data). Export it that way, or pick a smaller model.'
    : !name.endsWith('.json')
      ? 'onnxruntime-web holds every weight in 4 GiB of WASM memory: pick a smaller model or a quantized variant.'
      : name.endsWith('tokenizer.json')
        ? 'Real tokenizers are under 40 MB: check that it is the tokenizer.json saved with the model.'
        : `Check that ${name} is the file saved with the model.`;
  return modelError(
    'tooLarge',
    label,
    name,
    `is ${formatBytes(size)}, more than the ${formatBytes(limit + 1)} it may have`,
    advice,
  );
}

/** `1.5 GiB`, `300 MiB`, `12 KiB`: sizes in messages. */
export function formatBytes(bytes: number): string {
  const [unit, size] = bytes >= GiB ? ['GiB', GiB] : bytes >= MiB ? ['MiB', MiB] : ['KiB', 1024];
  return `${Number((bytes / (size as number)).toFixed(1))} ${unit}`;
}
