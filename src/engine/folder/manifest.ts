import type { Architecture, ModelInfo } from '../types';
import { modelError, parseJsonFile } from '../modelError';

/** The manifest format this engine reads (docs/model-format.md). */
export const MANIFEST_FORMAT = 'attention-inspector-model/1';

/** Graph input names; the optional ones are omitted when the graph lacks them. */
export interface ManifestInputs {
  /** int64 [batch, sequence]. */
  inputIds: string;
  /** int64 [batch, sequence], filled with 1. */
  attentionMask?: string;
  /** int64 [batch, sequence], filled with 0. */
  tokenTypeIds?: string;
  /** int64 [batch, sequence], 0..N-1. */
  positionIds?: string;
}

/** Graph outputs the engine reads. */
export interface ManifestOutputs {
  /** float32 [batch, sequence, vocab]. */
  logits?: string;
  /**
   * One graph output per layer (float32 [batch, heads, N, N] or [batch·heads, N, N],
   * probabilities after softmax, in layer order), or `softmax`: the engine edits the graph
   * to expose every attention Softmax node's output, in graph order.
   */
  attentions: string[] | 'softmax';
}

/** Tokens the engine adds around the text (the special-token policy). */
export interface SpecialTokenPolicy {
  prepend: string[];
  append: string[];
}

/**
 * A model folder's `manifest.json`, validated: the model facts of `ModelInfo` (id, name,
 * architecture, layers, heads, hiddenSize, vocabSize — the embedding rows, checked against
 * the graph — and maxPositions, special tokens included) plus how to run it.
 */
export interface ModelManifest extends Omit<ModelInfo, 'dir'> {
  format: typeof MANIFEST_FORMAT;
  inputs: ManifestInputs;
  outputs: ManifestOutputs;
  specialTokens: SpecialTokenPolicy;
  license: string;
  provenance: string;
  /**
   * A second graph of the same model, with a key/value cache, that writes continuations
   * (docs/model-format.md, "generationGraph"); the inspection keeps running `model.onnx`.
   */
  generationGraph?: string;
  /** Where the model facts came from, for messages; `manifest.json` when absent. */
  factsFrom?: string;
  /** The source's own field name of a fact, when it differs (`layers` → `n_layer`). */
  factFields?: Partial<Record<'layers' | 'heads' | 'hiddenSize' | 'maxPositions', string>>;
}

/** `manifest.json says "layers": 2`, or `config.json says "n_layer": 2`: for messages. */
export function factSays(
  manifest: ModelManifest,
  fact: 'layers' | 'heads' | 'hiddenSize' | 'maxPositions',
): string {
  const field = manifest.factFields?.[fact] ?? fact;
  return `${manifest.factsFrom ?? FILE} says "${field}": ${manifest[fact]}`;
}

/** Where a fact is set, for advice: `"n_positions" (1024) in config.json`. */
export function factHome(
  manifest: Pick<ModelManifest, 'factsFrom' | 'factFields'>,
  fact: 'layers' | 'heads' | 'hiddenSize' | 'maxPositions',
  value: number,
): string {
  return `"${manifest.factFields?.[fact] ?? fact}" (${value}) in ${manifest.factsFrom ?? FILE}`;
}

/** The model facts views and exports need; how to run the model stays in the manifest. */
export function modelInfo(manifest: ModelManifest, dir: string): ModelInfo {
  const { id, name, architecture, layers, heads, hiddenSize, vocabSize, maxPositions } = manifest;
  return { id, name, architecture, layers, heads, hiddenSize, vocabSize, maxPositions, dir };
}

const FILE = 'manifest.json';
const ARCHITECTURES: readonly Architecture[] = ['decoder', 'encoder', 'encoder-decoder'];
const ADVICE = 'Fix manifest.json (see docs/model-format.md).';

/** Parses and validates `manifest.json`; every problem is a `ModelError` naming the field. */
export function parseManifest(bytes: Uint8Array, label: string): ModelManifest {
  const json = parseJsonFile(bytes, label, FILE, ADVICE);
  const fail = (field: string, what: string): never => {
    throw modelError('badManifest', label, FILE, `field "${field}" ${what}`, ADVICE, field);
  };
  const root = object(json, '(top level)', fail);
  if (root.format !== MANIFEST_FORMAT) fail('format', `must be "${MANIFEST_FORMAT}"`);
  const architecture = root.architecture as Architecture;
  if (!ARCHITECTURES.includes(architecture)) {
    fail('architecture', `must be one of ${ARCHITECTURES.map((a) => `"${a}"`).join(', ')}`);
  }
  const inputs = object(root.inputs, 'inputs', fail);
  const outputs = object(root.outputs, 'outputs', fail);
  const special = object(root.specialTokens, 'specialTokens', fail);
  const attentions = outputs.attentions;
  return {
    format: MANIFEST_FORMAT,
    id: text(root, 'id', fail),
    name: text(root, 'name', fail),
    architecture,
    layers: count(root, 'layers', fail),
    heads: count(root, 'heads', fail),
    hiddenSize: count(root, 'hiddenSize', fail),
    vocabSize: count(root, 'vocabSize', fail),
    maxPositions: count(root, 'maxPositions', fail),
    inputs: {
      inputIds: text(inputs, 'inputIds', fail, 'inputs.'),
      ...optionalText(inputs, 'attentionMask', fail, 'inputs.'),
      ...optionalText(inputs, 'tokenTypeIds', fail, 'inputs.'),
      ...optionalText(inputs, 'positionIds', fail, 'inputs.'),
    },
    outputs: {
      ...optionalText(outputs, 'logits', fail, 'outputs.'),
      attentions:
        attentions === 'softmax' ? 'softmax' : texts(attentions, 'outputs.attentions', fail, true),
    },
    specialTokens: {
      prepend: texts(special.prepend, 'specialTokens.prepend', fail),
      append: texts(special.append, 'specialTokens.append', fail),
    },
    license: text(root, 'license', fail),
    provenance: text(root, 'provenance', fail),
    ...graphFileName(root, 'generationGraph', fail),
  };
}

type Fail = (field: string, what: string) => never;
type Json = Record<string, unknown>;

function object(value: unknown, field: string, fail: Fail): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(field, 'must be an object');
  }
  return value as Json;
}

function text(obj: Json, key: string, fail: Fail, prefix = ''): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '')
    return fail(prefix + key, 'must be a non-empty string');
  return value;
}

function optionalText(obj: Json, key: string, fail: Fail, prefix: string): Json {
  return obj[key] === undefined ? {} : { [key]: text(obj, key, fail, prefix) };
}

/** An optional `.onnx` file name of the folder itself (no directories: it stays inside). */
function graphFileName(obj: Json, key: string, fail: Fail): Json {
  if (obj[key] === undefined) return {};
  const value = obj[key];
  if (typeof value !== 'string' || !/^[\w.-]+\.onnx$/.test(value) || value === 'model.onnx') {
    return fail(key, 'must be the name of another .onnx file in the model folder');
  }
  return { [key]: value };
}

function texts(value: unknown, field: string, fail: Fail, orSoftmax = false): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    return fail(field, `must be ${orSoftmax ? '"softmax" or ' : ''}an array of non-empty strings`);
  }
  return value as string[];
}

function count(obj: Json, key: string, fail: Fail): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return fail(key, `must be a positive integer, got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  return value;
}
