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
  /** Encoder-decoders: the decoder stack's layers and heads (layers/heads are the encoder's). */
  decoderLayers?: number;
  decoderHeads?: number;
  /** The config field each fact came from, for messages (`layers` → `n_layer`). */
  fields: Partial<Record<SizeFact, string>>;
}

type SizeFact = BaseFact | DecoderFact;
type BaseFact =
  | 'layers'
  | 'heads'
  | 'kvHeads'
  | 'hiddenSize'
  | 'headDim'
  | 'maxPositions'
  | 'vocabSize';
type DecoderFact = 'decoderLayers' | 'decoderHeads';

/** One family: its attention, its field names (first present wins), quirks. */
export interface ConfigFamily {
  architecture: Architecture;
  fields: Record<BaseFact, readonly string[]> & Partial<Record<DecoderFact, readonly string[]>>;
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

/** T5 / mT5 / Flan-T5: the decoder's layers may differ (num_decoder_layers; absent means num_layers). */
const T5_LIKE: ConfigFamily = {
  architecture: 'encoder-decoder',
  fields: {
    layers: ['num_layers'],
    heads: ['num_heads'],
    kvHeads: [],
    hiddenSize: ['d_model'],
    headDim: ['d_kv'],
    maxPositions: ['n_positions'],
    vocabSize: ['vocab_size'],
    decoderLayers: ['num_decoder_layers', 'num_layers'],
    decoderHeads: ['num_heads'],
  },
};
/** BART, mBART, Marian (opus-mt): each stack has its own layer and head counts. */
const BART_LIKE: ConfigFamily = {
  architecture: 'encoder-decoder',
  fields: {
    layers: ['encoder_layers'],
    heads: ['encoder_attention_heads'],
    kvHeads: [],
    hiddenSize: ['d_model'],
    headDim: [],
    maxPositions: ['max_position_embeddings'],
    vocabSize: ['vocab_size'],
    decoderLayers: ['decoder_layers'],
    decoderHeads: ['decoder_attention_heads'],
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
  t5: T5_LIKE,
  mt5: T5_LIKE,
  marian: BART_LIKE,
  bart: BART_LIKE,
  mbart: BART_LIKE,
};

/** For an unknown `model_type`: every field name the families of that kind use, tried in this order. */
function anyFamily(seq2seq: boolean): Record<SizeFact, string[]> {
  const all = {} as Record<SizeFact, string[]>;
  for (const family of Object.values(CONFIG_FAMILIES)) {
    if ((family.architecture === 'encoder-decoder') !== seq2seq) continue;
    for (const [fact, names] of Object.entries(family.fields) as [SizeFact, readonly string[]][]) {
      all[fact] = [...new Set([...(all[fact] ?? []), ...names])];
    }
  }
  return all;
}
const ANY_FAMILY = anyFamily(false);
const ANY_SEQ2SEQ_FAMILY = anyFamily(true);

/** Reads the sizes out of a parsed `config.json`; absent or non-positive values stay undefined. */
export function readConfigFacts(config: Record<string, unknown>): ConfigFacts {
  const modelType = typeof config.model_type === 'string' ? config.model_type : '';
  const family = Object.hasOwn(CONFIG_FAMILIES, modelType) ? CONFIG_FAMILIES[modelType] : undefined;
  const seq2seq = config.is_encoder_decoder === true;
  const names = family?.fields ?? (seq2seq ? ANY_SEQ2SEQ_FAMILY : ANY_FAMILY);
  const facts: ConfigFacts = { modelType, known: family !== undefined, fields: {} };
  if (family) facts.architecture = family.architecture;
  else if (seq2seq) facts.architecture = 'encoder-decoder';
  for (const fact of Object.keys(names) as SizeFact[]) {
    const field = names[fact]?.find((name) => positive(config[name]) !== undefined);
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
