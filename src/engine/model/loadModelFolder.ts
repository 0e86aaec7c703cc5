import type { onnx } from 'onnx-proto';
import { checkGraph } from './checkGraph';
import { decodeOnnx } from './decodeOnnx';
import { exposeAttentionSteps } from './exposeAttentionSteps';
import { encodeOnnx } from './exposeTensors';
import type { AttentionStep } from './findAttention';
import { parseManifest, type ModelManifest } from './manifest';
import { modelError } from './modelError';
import type { ModelFiles } from './modelFiles';
import { parseTokenizer, type TokenizerJson } from './tokenizerVocabulary';

/** A validated model folder, ready for an onnxruntime `InferenceSession`. */
export interface LoadedModelFolder {
  /** Where it came from (`ModelFiles.label`). */
  label: string;
  manifest: ModelManifest;
  /** The model bytes to create the session from: edited when attention had to be exposed. */
  onnxBytes: Uint8Array;
  /** True when the graph was edited (outputs added), false when `onnx` is the file as read. */
  edited: boolean;
  /** Graph outputs holding each layer's attention probabilities, in layer order. */
  attentionOutputs: string[];
  /** Graph output holding the logits, when the model has one. */
  logitsOutput?: string;
  /** Graph outputs of the extra steps asked for in `LoadOptions.expose`, one per layer. */
  stepOutputs: Partial<Record<AttentionStep, string[]>>;
  tokenizerJson: TokenizerJson;
  /** `tokenizer_config.json` when the folder has one. */
  tokenizerConfig?: Record<string, unknown>;
}

/** Options of `loadModelFolder`. */
export interface LoadOptions {
  /**
   * Per-layer tensors to expose besides the probabilities (e.g. `rawScores` for Q·Kᵀ);
   * the load fails if a layer does not compute one of them as a separate tensor.
   */
  expose?: readonly AttentionStep[];
}

const REQUIRED = ['manifest.json', 'model.onnx', 'tokenizer.json'] as const;

/**
 * Reads and validates a model folder (docs/model-format.md, "What loading checks") and,
 * with `"attentions": "softmax"`, edits the graph so every layer's attention is an output.
 * Every failure is a `ModelError` (code `badModel`) naming the file and the problem.
 */
export async function loadModelFolder(
  files: ModelFiles,
  options: LoadOptions = {},
): Promise<LoadedModelFolder> {
  const { label } = files;
  const [manifestBytes, tokenizerBytes] = await readRequired(files, ['manifest.json', 'tokenizer.json']);
  const manifest = parseManifest(manifestBytes, label);
  const { json: tokenizerJson, vocabulary } = parseTokenizer(tokenizerBytes, label);
  const tokenizerConfig = await readConfig(files);
  if (vocabulary.size > manifest.vocabSize) {
    throw modelError(
      'vocabMismatch',
      label,
      'tokenizer.json',
      `has token ids up to ${vocabulary.size - 1}, but manifest.json says "vocabSize": ${manifest.vocabSize}`,
      'Use the tokenizer that belongs to this model, or fix "vocabSize".',
    );
  }
  const { prepend, append } = manifest.specialTokens;
  const absent = [...prepend, ...append].find((t) => !vocabulary.ids.has(t));
  if (absent !== undefined) {
    throw modelError(
      'missingSpecialToken',
      label,
      'tokenizer.json',
      `has no token "${absent}", which manifest.json's "specialTokens" adds`,
      'Fix "specialTokens" in manifest.json or add the token to the tokenizer.',
    );
  }
  // Read last, once the small files are known to be good: a bad folder never costs the big file.
  const [onnxBytes] = await readRequired(files, ['model.onnx']);
  const model = decodeOnnx(onnxBytes, label);
  const graph = model.graph as onnx.IGraphProto;
  checkGraph(graph, manifest, label);

  const { attentions } = manifest.outputs;
  const wanted = new Set<AttentionStep>(options.expose);
  if (attentions === 'softmax') wanted.add('probabilities');
  const stepOutputs =
    wanted.size > 0 ? exposeAttentionSteps(model, manifest, [...wanted], label) : {};
  const attentionOutputs =
    attentions === 'softmax' ? (stepOutputs.probabilities as string[]) : attentions;
  const edited = wanted.size > 0;
  return {
    label,
    manifest,
    onnxBytes: edited ? encodeOnnx(model) : onnxBytes,
    edited,
    attentionOutputs,
    ...(manifest.outputs.logits === undefined ? {} : { logitsOutput: manifest.outputs.logits }),
    stepOutputs,
    tokenizerJson,
    ...(tokenizerConfig === undefined ? {} : { tokenizerConfig }),
  };
}

async function readRequired(files: ModelFiles, names: (typeof REQUIRED)[number][]): Promise<Uint8Array[]> {
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
