/**
 * Where `config.json` families get mapped: a Hugging Face `model_type` → how the model
 * attends and the field names that hold its sizes. One home for the table in
 * docs/model-format.md ("Folders without manifest.json").
 */
import type { Architecture } from '../types';

/** The sizes a config states, under the family's own field names. */
export interface ConfigFacts {
  /** `model_type` as written, or '' when absent. */
  modelType: string;
  /** True when `model_type` is in `CONFIG_FAMILIES`. */
  known: boolean;
  /** From the family; undefined for an unknown `model_type` (the graph decides). */
  architecture?: Architecture;
  layers?: number;
  heads?: number;
  /** Key/value heads (grouped-query or multi-query attention); `heads` when not stated. */
  kvHeads?: number;
  hiddenSize?: number;
  /** Per-head size, when the config states it apart from hiddenSize / heads (Gemma). */
  headDim?: number;
  maxPositions?: number;
  vocabSize?: number;
  /** The config field each fact came from, for messages (`layers` → `n_layer`). */
  fields: Partial<Record<SizeFact, string>>;
}

type SizeFact =
  | 'layers'
  | 'heads'
  | 'kvHeads'
  | 'hiddenSize'
  | 'headDim'
  | 'maxPositions'
  | 'vocabSize';

/** One family: its attention, its field names (first present wins), quirks. */
export interface ConfigFamily {
  architecture: Architecture;
  fields: Record<SizeFact, readonly string[]>;
  /** Positions the model reserves before the first token (RoBERTa's padding offset). */
  positionOffset?: number;
}

const LLAMA_LIKE: ConfigFamily = {
  architecture: 'decoder',
  fields: {
    layers: ['num_hidden_layers'],
    heads: ['num_attention_heads'],
    kvHeads: ['num_key_value_heads'],
    hiddenSize: ['hidden_size'],
    headDim: ['head_dim'],
    maxPositions: ['max_position_embeddings'],
    vocabSize: ['vocab_size'],
  },
};
const BERT_LIKE: ConfigFamily = { ...LLAMA_LIKE, architecture: 'encoder' };
const GPT2_LIKE: ConfigFamily = {
  architecture: 'decoder',
  fields: {
    layers: ['n_layer'],
    heads: ['n_head'],
    kvHeads: [],
    hiddenSize: ['n_embd'],
    headDim: [],
    maxPositions: ['n_positions', 'n_ctx'],
    vocabSize: ['vocab_size'],
  },
};

/** The families this engine knows by `model_type` (docs/model-format.md lists them). */
export const CONFIG_FAMILIES: Readonly<Record<string, ConfigFamily>> = {
  gpt2: GPT2_LIKE,
  gpt_bigcode: GPT2_LIKE, // multi_query: one key/value head, see kvHeadsOf
  gpt_neo: {
    ...LLAMA_LIKE,
    fields: { ...LLAMA_LIKE.fields, layers: ['num_layers'], heads: ['num_heads'], kvHeads: [] },
  },
  bert: BERT_LIKE,
  distilbert: {
    architecture: 'encoder',
    fields: {
      layers: ['n_layers'],
      heads: ['n_heads'],
      kvHeads: [],
      hiddenSize: ['dim'],
      headDim: [],
      maxPositions: ['max_position_embeddings'],
      vocabSize: ['vocab_size'],
    },
  },
  roberta: { ...BERT_LIKE, positionOffset: 2 },
  'xlm-roberta': { ...BERT_LIKE, positionOffset: 2 },
  llama: LLAMA_LIKE,
  qwen2: LLAMA_LIKE,
  mistral: LLAMA_LIKE,
  phi: LLAMA_LIKE,
  phi3: LLAMA_LIKE,
  gemma: LLAMA_LIKE,
  gemma2: LLAMA_LIKE,
};

/** For an unknown `model_type`: every field name any family uses, tried in this order. */
const ANY_FAMILY: Record<SizeFact, string[]> = (() => {
  const all = {} as Record<SizeFact, string[]>;
  for (const family of Object.values(CONFIG_FAMILIES)) {
    for (const [fact, names] of Object.entries(family.fields) as [SizeFact, readonly string[]][]) {
      all[fact] = [...new Set([...(all[fact] ?? []), ...names])];
    }
  }
  return all;
})();

/** Reads the sizes out of a parsed `config.json`; absent or non-positive values stay undefined. */
export function readConfigFacts(config: Record<string, unknown>): ConfigFacts {
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const family = Object.hasOwn(CONFIG_FAMILIES, modelType) ? CONFIG_FAMILIES[modelType] : undefined;
  const names = family?.fields ?? ANY_FAMILY;
  const facts: ConfigFacts = { modelType, known: family !== undefined, fields: {} };
  if (family) facts.architecture = family.architecture;
  for (const fact of Object.keys(names) as SizeFact[]) {
    const field = names[fact].find((name) => positive(config[name]) !== undefined);
    if (field === undefined) continue;
    facts[fact] = positive(config[field]);
    facts.fields[fact] = field;
  }
  if (modelType === 'gpt_bigcode' && config.multi_query !== false) {
    facts.kvHeads = 1;
    facts.fields.kvHeads = 'multi_query';
  }
  const offset = family?.positionOffset ?? 0;
  if (facts.maxPositions !== undefined && offset > 0 && facts.maxPositions > offset) {
    facts.maxPositions -= offset;
  }
  return facts;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
