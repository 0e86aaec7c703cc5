/**
 * Reads a Hugging Face export folder (Optimum or Transformers.js layout) that has no
 * manifest.json: config.json, tokenizer.json (+ tokenizer_config.json and
 * special_tokens_map.json when present) and an ONNX graph chosen by graphChoice.ts.
 */
import type { onnx } from 'onnx-proto';
import type { PastFallback } from './feedPlan';
import { decodeGraph, unfusedNote, type GraphFacts } from '../graph/prepareGraph';
import { withConfigFeatures } from './attentionFeatures';
import type { ModelManifest } from './manifest';
import { modelError, parseJsonFile } from '../modelError';
import type { ModelFiles } from './modelFiles';
import {
  parseTokenizer,
  type TokenizerJson,
  type TokenizerVocabulary,
} from './tokenizerVocabulary';
import { deriveManifest } from './deriveManifest';
import { folderName } from './folderName';
import { chooseGraphFile } from './graphChoice';
import { knownGraphPaths, type GraphFile, type GraphVariant } from './onnxGraphFiles';

/** What one model folder provides, whichever kind it is. */
export interface FolderSource {
  manifest: ModelManifest;
  /** The graph file, relative to the folder (`model.onnx`, `onnx/model_q4.onnx`). */
  graphPath: string;
  /** Runnable graph files of the folder, best first; empty for manifest folders. */
  graphFiles: GraphFile[];
  onnxBytes: Uint8Array;
  model: onnx.ModelProto;
  tokenizerJson: TokenizerJson;
  vocabulary: TokenizerVocabulary;
  tokenizerConfig?: Record<string, unknown>;
  /** Sizes of the cache inputs when the graph leaves them symbolic. */
  past: PastFallback;
  /** What was chosen or assumed, for the user. */
  notes: string[];
  /** What preparing the graph found and rewrote (prepareGraph.ts). */
  facts?: GraphFacts;
}

/** Files a folder of this kind is recognised by, besides the graph. */
export const EXPORT_FOLDER_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
] as const;

export async function readExportFolder(
  files: ModelFiles,
  variant?: GraphVariant,
): Promise<FolderSource> {
  const { label } = files;
  const paths = await files.list([...EXPORT_FOLDER_FILES, ...knownGraphPaths()]);
  const configBytes = await files.read('config.json');
  if (!configBytes) {
    throw modelError(
      'missingFile',
      label,
      'config.json',
      'not found (and there is no manifest.json)',
      'A model folder is a Hugging Face export (config.json, tokenizer.json and model.onnx or onnx/*.onnx, ' +
        'as optimum-cli export onnx or Transformers.js write it) or has our manifest.json, model.onnx and tokenizer.json (see docs/model-format.md).',
    );
  }
  const choice = chooseGraphFile(paths, label, variant);
  const graphPath = choice.chosen.path;
  const [tokenizerBytes, onnxBytes] = await Promise.all([
    files.read('tokenizer.json'),
    files.read(graphPath),
  ]);
  if (!tokenizerBytes) {
    throw modelError(
      'missingFile',
      label,
      'tokenizer.json',
      'not found',
      'Hugging Face export folders need the tokenizer.json saved with the model (tokenizer.save_pretrained writes it).',
    );
  }
  if (!onnxBytes)
    throw modelError('missingFile', label, graphPath, 'not found', 'Check the folder.');
  const config = jsonObject(
    parseJsonFile(configBytes, label, 'config.json', ADVICE),
    label,
    'config.json',
  );
  const { json: tokenizerJson, vocabulary } = parseTokenizer(tokenizerBytes, label);
  const tokenizerConfig = await tokenizerSettings(files);
  const { model, facts: graphFacts } = decodeGraph(onnxBytes, label, graphPath);
  const rewritten = unfusedNote(graphPath, graphFacts.unfused);
  const derived = deriveManifest({
    label,
    folderName: folderName(label),
    config,
    graph: model.graph as onnx.IGraphProto,
    graphPath,
    tokenizerJson: tokenizerJson as unknown as Record<string, unknown>,
    tokenizerConfig,
  });
  const { facts, manifest } = derived;
  const kvHeads = facts.kvHeads ?? manifest.heads;
  return {
    manifest,
    graphPath,
    graphFiles: choice.ranked,
    onnxBytes,
    model,
    tokenizerJson,
    vocabulary,
    ...(tokenizerConfig ? { tokenizerConfig } : {}),
    past: { kvHeads, headDim: facts.headDim ?? Math.floor(manifest.hiddenSize / manifest.heads) },
    notes: [...choice.notes, ...(rewritten ? [rewritten] : []), ...derived.notes],
    facts: {
      ...graphFacts,
      attention: withConfigFeatures(graphFacts.attention, config, manifest.layers),
    },
  };
}

const ADVICE = 'Use the file saved with the model.';

/** tokenizer_config.json, with bos/eos tokens from special_tokens_map.json where it lacks them. */
export async function tokenizerSettings(
  files: ModelFiles,
): Promise<Record<string, unknown> | undefined> {
  const [configBytes, mapBytes] = await Promise.all([
    files.read('tokenizer_config.json'),
    files.read('special_tokens_map.json'),
  ]);
  const read = (bytes: Uint8Array | undefined, file: string) =>
    bytes
      ? jsonObject(parseJsonFile(bytes, files.label, file, ADVICE), files.label, file)
      : undefined;
  const config = read(configBytes, 'tokenizer_config.json');
  const map = read(mapBytes, 'special_tokens_map.json');
  if (!map) return config;
  const merged = { ...(config ?? {}) };
  for (const key of [
    'bos_token',
    'eos_token',
    'unk_token',
    'pad_token',
    'cls_token',
    'sep_token',
    'mask_token',
  ]) {
    if (merged[key] === undefined && map[key] !== undefined) merged[key] = map[key];
  }
  return merged;
}

export function jsonObject(json: unknown, label: string, file: string): Record<string, unknown> {
  if (typeof json === 'object' && json !== null && !Array.isArray(json))
    return json as Record<string, unknown>;
  throw modelError('badJson', label, file, 'not a JSON object', ADVICE);
}
