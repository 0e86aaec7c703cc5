/**
 * Everything a manifest.json would say, derived for a Hugging Face export folder from
 * `config.json` (via modelConfig.ts), the tokenizer files and the graph itself; what had
 * to be assumed is returned as notes for the user.
 */
import type { onnx } from 'onnx-proto';
import { conventionalInputs } from './feedPlan';
import { GraphIndex, int64 } from '../graph/graphIndex';
import { findAttention } from '../graph/findAttention';
import { findIfAttention } from '../graph/exposeIfAttention';
import { MANIFEST_FORMAT, type ModelManifest } from './manifest';
import { modelError } from '../modelError';
import type { Architecture } from '../types';
import { readConfigFacts, type ConfigFacts } from './modelConfig';
import { specialTokensOf } from './specialTokenTemplate';

/** What the derivation reads. */
export interface ExportFolderParts {
  label: string;
  /** Folder name, used as id and name when config.json has no `_name_or_path`. */
  folderName: string;
  config: Record<string, unknown>;
  graph: onnx.IGraphProto;
  graphPath: string;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig?: Record<string, unknown>;
}

/** The manifest, the config facts (for cache sizes) and the notes. */
export interface DerivedManifest {
  manifest: ModelManifest;
  facts: ConfigFacts;
  notes: string[];
}

const CONTEXT_FALLBACK = 512;

export function deriveManifest(parts: ExportFolderParts): DerivedManifest {
  const { label, config, graph, graphPath } = parts;
  const facts = readConfigFacts(config);
  const notes: string[] = [];
  const index = new GraphIndex(graph);
  const inputs = conventionalInputs(index.feedInputs);
  if (!inputs.inputIds) {
    throw modelError(
      'missingGraphName',
      label,
      graphPath,
      `has no "input_ids" input (its inputs: ${index.feedInputs.join(', ') || 'none'})`,
      'Use a text model exported by Optimum or for Transformers.js; its graph takes input_ids.',
    );
  }
  const fields: ModelManifest['factFields'] = {};
  const fact = (
    name: 'layers' | 'heads' | 'hiddenSize' | 'maxPositions',
    value: number | undefined,
    derived: () => { value?: number; how: string },
  ): number => {
    if (value !== undefined) {
      fields[name] = facts.fields[name];
      return value;
    }
    const found = derived();
    if (found.value === undefined) {
      throw modelError(
        'badManifest',
        label,
        'config.json',
        `does not say the model's ${name} and the graph does not show it`,
        'Use the config.json saved with the model (see docs/model-format.md for the fields read per model_type).',
        name,
      );
    }
    notes.push(`${name} ${found.value}: not in config.json, ${found.how}.`);
    return found.value;
  };
  const embedding = embeddingDims(index, inputs.inputIds);
  const softmaxHeads = () => ({
    value: attentionHeads(graph),
    how: 'read from the attention Softmax shapes',
  });
  const layers = fact('layers', facts.layers, () => ({
    value: attentionCount(graph) || undefined,
    how: 'counted attention Softmax nodes',
  }));
  const heads = fact('heads', facts.heads, softmaxHeads);
  const shown = attentionHeads(graph);
  if (facts.heads !== undefined && shown !== undefined && shown !== facts.heads) {
    // With grouped key/value heads the Softmax still covers every query head.
    throw modelError(
      'badAttentionShape',
      label,
      graphPath,
      `has attention over ${shown} heads, but config.json says "${facts.fields.heads}": ${facts.heads}`,
      'Use the config.json saved with this graph.',
    );
  }
  const hiddenSize = fact('hiddenSize', graphHiddenSize(config, facts, embedding, notes), () => ({
    value: embedding?.[1],
    how: 'read from the token embedding',
  }));
  if (hiddenSize !== facts.hiddenSize) delete fields.hiddenSize;
  const maxPositions = fact('maxPositions', facts.maxPositions, () => {
    const max = parts.tokenizerConfig?.model_max_length;
    return typeof max === 'number' && Number.isInteger(max) && max > 0 && max <= 1_000_000
      ? { value: max, how: 'taken from tokenizer_config.json model_max_length' }
      : { value: CONTEXT_FALLBACK, how: `assumed ${CONTEXT_FALLBACK}` };
  });
  const architecture =
    facts.architecture ?? inferArchitecture(config, index, facts.modelType, notes);
  const vocabSize = embedding?.[0] ?? facts.vocabSize;
  if (vocabSize === undefined) {
    throw modelError(
      'badManifest',
      label,
      'config.json',
      'has no "vocab_size" and the graph has no token embedding table',
      'Use the config.json saved with the model.',
      'vocab_size',
    );
  }
  let specialTokens: ReturnType<typeof specialTokensOf>;
  try {
    specialTokens = specialTokensOf(parts.tokenizerJson, parts.tokenizerConfig);
  } catch (error) {
    throw modelError(
      'badTokenizer',
      label,
      'tokenizer.json',
      (error as Error).message,
      'Use the tokenizer.json saved with the model, or add a manifest.json with "specialTokens".',
    );
  }
  // Free text from config.json never reaches an export: only a name shaped like a Hub id.
  const name = hubIdLike(config._name_or_path) ? config._name_or_path : parts.folderName;
  const logits = index.outputs.includes('logits') ? 'logits' : undefined;
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    id: parts.folderName,
    name,
    architecture,
    layers,
    heads,
    hiddenSize,
    vocabSize,
    maxPositions,
    inputs: { ...inputs, inputIds: inputs.inputIds },
    outputs: { ...(logits ? { logits } : {}), attentions: 'softmax' },
    specialTokens,
    license: licenseIdLike(config.license) ? config.license : 'see the model card',
    provenance: `Hugging Face export folder: config.json (model_type ${JSON.stringify(facts.modelType)}), ${graphPath}`,
    factsFrom: 'config.json',
    factFields: fields,
  };
  return { manifest, facts, notes };
}

/**
 * config.json's hidden size, unless the graph's token embedding says otherwise: the export
 * reports what the graph computes. (ALBERT-style `embedding_size` factorises the embedding,
 * so there the two legitimately differ.)
 */
function graphHiddenSize(
  config: Record<string, unknown>,
  facts: ReturnType<typeof readConfigFacts>,
  embedding: readonly number[] | undefined,
  notes: string[],
): number | undefined {
  const shown = embedding?.[1];
  if (facts.hiddenSize === undefined || shown === undefined || shown === facts.hiddenSize)
    return facts.hiddenSize;
  if (config.embedding_size !== undefined) return facts.hiddenSize;
  notes.push(
    `hiddenSize ${shown}: read from the token embedding; config.json says "${facts.fields.hiddenSize}": ${facts.hiddenSize}, which the graph contradicts.`,
  );
  return shown;
}

/** `org/name` or `name` as the Hub spells ids: no paths, no spaces, no prose. */
function hubIdLike(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    /^[\w.-]{1,96}(\/[\w.-]{1,96})?$/.test(value) &&
    !value.startsWith('.')
  );
}

/** A license identifier (`mit`, `apache-2.0`, `cc-by-4.0`), not free text. */
function licenseIdLike(value: unknown): value is string {
  return typeof value === 'string' && /^[\w.+-]{1,64}$/.test(value);
}

/** An unknown model_type: causal when the graph takes a cache or the class says so. */
function inferArchitecture(
  config: Record<string, unknown>,
  index: GraphIndex,
  modelType: string,
  notes: string[],
): Architecture {
  const classes = Array.isArray(config.architectures) ? config.architectures.join(', ') : '';
  const past = index.feedInputs.some(
    (name) => name.startsWith('past_key_values') || name === 'use_cache_branch',
  );
  const causal = past || /CausalLM|LMHeadModel/.test(classes);
  const why = past
    ? 'the graph takes past_key_values'
    : causal
      ? `config.json names ${classes}`
      : 'no cache inputs, no causal-LM class';
  notes.push(
    `model_type ${JSON.stringify(modelType || '(none)')} is not one we know: assumed ${causal ? 'a decoder' : 'an encoder'} (${why}).`,
  );
  return causal ? 'decoder' : 'encoder';
}

/** [rows, columns] of the constant table a Gather reads `input_ids` from. */
function embeddingDims(index: GraphIndex, inputIds: string): number[] | undefined {
  for (const node of index.consumers(inputIds)) {
    if (node.opType !== 'Gather') continue;
    const dims = index.constantDims(node.input?.[0] ?? '');
    if (dims?.length === 2) return dims;
  }
  return undefined;
}

function attentionCount(graph: onnx.IGraphProto): number {
  return findAttention(graph).length || (findIfAttention(graph)?.elseProbabilities.length ?? 0);
}

/** The heads dim of the first attention Softmax's recorded shape, when static. */
function attentionHeads(graph: onnx.IGraphProto): number | undefined {
  const first = findAttention(graph)[0]?.probabilities;
  const dims = graph.valueInfo?.find((v) => v.name === first)?.type?.tensorType?.shape?.dim;
  const heads = dims?.length === 4 ? dims[1]?.dimValue : undefined;
  return heads === undefined || heads === null ? undefined : int64(heads) || undefined;
}
