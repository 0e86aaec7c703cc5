/**
 * A model folder with our manifest.json (docs/model-format.md): the manifest, tokenizer.json,
 * tokenizer_config.json when there is one, and model.onnx, read and parsed for
 * loadModelFolder.ts's checks and edits (an export folder without a manifest: exportFolder.ts).
 */
import { decodeGraph } from '../graph/prepareGraph';
import { modelError } from '../modelError';
import type { FolderSource } from './exportFolder';
import { parseManifest } from './manifest';
import type { ModelFiles } from './modelFiles';
import { parseTokenizer } from './tokenizerVocabulary';

const REQUIRED = ['model.onnx', 'tokenizer.json'] as const;

/** A folder with our manifest.json (docs/model-format.md), read and parsed. */
export async function readManifestFolder(
  files: ModelFiles,
  manifestBytes: Uint8Array,
): Promise<FolderSource> {
  const { label } = files;
  const [tokenizerBytes] = await readRequired(files, ['tokenizer.json']);
  const manifest = parseManifest(manifestBytes, label);
  const { json: tokenizerJson, vocabulary } = parseTokenizer(tokenizerBytes, label);
  const tokenizerConfig = await readConfig(files);
  // Read last, once the small files are known to be good: a bad folder never costs the big file.
  const [onnxBytes] = await readRequired(files, ['model.onnx']);
  const { model, facts } = decodeGraph(onnxBytes, label, 'model.onnx');
  return {
    manifest,
    graphPath: 'model.onnx',
    graphFiles: [],
    onnxBytes,
    model,
    facts,
    tokenizerJson,
    vocabulary,
    ...(tokenizerConfig === undefined ? {} : { tokenizerConfig }),
    past: {},
    notes: [],
  };
}

async function readRequired(
  files: ModelFiles,
  names: (typeof REQUIRED)[number][],
): Promise<Uint8Array[]> {
  const read = await Promise.all(names.map((name) => files.read(name)));
  const absent = names.find((_, i) => read[i] === undefined);
  if (absent !== undefined) {
    throw modelError(
      'missingFile',
      files.label,
      absent,
      'not found',
      'A model folder needs manifest.json, model.onnx and tokenizer.json (see docs/model-format.md).',
    );
  }
  return read as Uint8Array[];
}

async function readConfig(files: ModelFiles): Promise<Record<string, unknown> | undefined> {
  const bytes = await files.read('tokenizer_config.json');
  if (!bytes) return undefined;
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
      return json as Record<string, unknown>;
    }
  } catch {
    // reported below, with the other malformed cases
  }
  throw modelError(
    'badJson',
    files.label,
    'tokenizer_config.json',
    'not a valid JSON object',
    'Use the tokenizer_config.json saved with the model, or remove it.',
  );
}
