/**
 * The decoder half of an encoder-decoder export folder: its graph checked and edited so
 * that every layer's self- and cross-attention is an output, how its inputs are fed, and
 * the token ids generation needs (`decoder_start_token_id`, `eos_token_id`, banned ids)
 * from generation_config.json, else config.json.
 */
import type { onnx } from 'onnx-proto';
import { ENCODER_HIDDEN_STATES, exposeDecoderAttention } from '../graph/decoderAttention';
import { decodeGraph } from '../graph/prepareGraph';
import { sessionGraph } from '../graph/sessionGraph';
import { GraphIndex } from '../graph/graphIndex';
import { planFeeds, type FeedSpec } from './feedPlan';
import { modelError } from '../modelError';
import type { ExternalDataFile } from '../graph/externalDataFile';
import { readExternalData } from './externalData';
import { refuseLossyEdit } from './lossyEdit';
import type { ModelFiles } from './modelFiles';

/** The input the decoder reads the encoder's attention mask from (Optimum's name). */
export const ENCODER_ATTENTION_MASK = 'encoder_attention_mask';

/** A decoder graph ready for a session: full passes over a target, no past. */
export interface DecoderGraph {
  graphFile: string;
  onnxBytes: Uint8Array;
  externalData: ExternalDataFile[];
  /** How the inputs other than the encoder's are fed (input_ids, empty past, use_cache_branch). */
  feeds: FeedSpec[];
  /** Whether the graph takes `encoder_attention_mask` (all ones: no source padding). */
  takesEncoderMask: boolean;
  selfOutputs: string[];
  crossOutputs: string[];
  logitsOutput: string;
  notes: string[];
}

/** What greedy decoding and teacher forcing need to know. */
export interface GenerationIds {
  decoderStartId: number;
  eosIds: number[];
  /** Never generated: single-token `bad_words_ids` (Marian's `<pad>`); a set, as 50,000 happen. */
  bannedIds: ReadonlySet<number>;
  /** The file `bad_words_ids` came from, for messages. */
  bannedFrom: 'generation_config.json' | 'config.json';
}

/** Sizes the decoder's empty cache inputs take when the graph leaves them symbolic. */
export interface DecoderSizes {
  layers: number;
  heads: number;
  headDim: number;
}

export async function readDecoderGraph(
  files: ModelFiles,
  graphFile: string,
  sizes: DecoderSizes,
): Promise<DecoderGraph> {
  const { label } = files;
  const bytes = await files.read(graphFile);
  if (!bytes) throw modelError('missingFile', label, graphFile, 'not found', 'Check the folder.');
  const { model } = decodeGraph(bytes, label, graphFile);
  const graph = model.graph as onnx.IGraphProto;
  const index = new GraphIndex(graph);
  const inputs = index.feedInputs;
  for (const needed of ['input_ids', ENCODER_HIDDEN_STATES]) {
    if (!inputs.includes(needed)) {
      throw modelError(
        'missingGraphName',
        label,
        graphFile,
        `has no "${needed}" input (its inputs: ${inputs.join(', ') || 'none'}), so it is not the decoder of an encoder-decoder export`,
        'Use the decoder_model.onnx (or decoder_model_merged.onnx) that optimum-cli export onnx --task text2text-generation wrote with this encoder.',
      );
    }
  }
  if (!index.outputs.includes('logits')) {
    throw modelError(
      'missingGraphName',
      label,
      graphFile,
      `has no "logits" output (its outputs: ${index.outputs.join(', ')})`,
      'Export the decoder with its language-model head (task text2text-generation).',
    );
  }
  const externalData = await readExternalData(files, graph, graphFile);
  refuseLossyEdit(bytes, label, graphFile);
  const exposed = exposeDecoderAttention(model, sizes.layers);
  if (!('selfOutputs' in exposed)) {
    throw modelError(
      'attentionNotFound',
      label,
      graphFile,
      `has ${exposed.softmax} attention Softmax node(s), ${exposed.cross} of them reading encoder_hidden_states; ` +
        `expected ${sizes.layers} self-attention and ${sizes.layers} cross-attention (one each per decoder layer)`,
      'Check decoder_layers / num_decoder_layers in config.json, and export without attention fusion (no --optimize).',
    );
  }
  const others = inputs.filter(
    (name) => name !== ENCODER_HIDDEN_STATES && name !== ENCODER_ATTENTION_MASK,
  );
  const feeds = planFeeds(
    graph,
    others,
    { inputIds: 'input_ids' },
    { kvHeads: sizes.heads, headDim: sizes.headDim },
    label,
    graphFile,
  );
  const notes = exposed.inIf
    ? [
        `${graphFile} is a merged decoder: attention is read from both branches of its If "${exposed.inIf}" (the no-cache branch runs).`,
      ]
    : [];
  const forSession = sessionGraph(model, bytes, graphFile);
  return {
    graphFile,
    onnxBytes: forSession.onnxBytes,
    externalData: [...externalData, ...forSession.externalData],
    feeds,
    takesEncoderMask: inputs.includes(ENCODER_ATTENTION_MASK),
    selfOutputs: exposed.selfOutputs,
    crossOutputs: exposed.crossOutputs,
    logitsOutput: 'logits',
    notes,
  };
}

/** The ids generation uses; generation_config.json wins over config.json, as in transformers. */
export function generationIds(
  config: Record<string, unknown>,
  generation: Record<string, unknown> | undefined,
  label: string,
): GenerationIds {
  const pick = (key: string): unknown => generation?.[key] ?? config[key];
  const start = pick('decoder_start_token_id') ?? pick('pad_token_id');
  if (!isId(start)) {
    throw modelError(
      'badManifest',
      label,
      'config.json',
      'has no "decoder_start_token_id" (nor generation_config.json, nor a "pad_token_id" to fall back on)',
      'Use the config.json saved with the model; encoder-decoders state the token their decoder starts from.',
      'decoder_start_token_id',
    );
  }
  const eos = pick('eos_token_id');
  const eosIds = Array.isArray(eos) ? eos.filter(isId) : isId(eos) ? [eos] : [];
  const bad = pick('bad_words_ids');
  const bannedIds = new Set(
    Array.isArray(bad)
      ? bad
          .filter(
            (words): words is number[] =>
              Array.isArray(words) && words.length === 1 && isId(words[0]),
          )
          .map((w) => w[0]!)
      : [],
  );
  const bannedFrom =
    generation?.bad_words_ids !== undefined ? 'generation_config.json' : 'config.json';
  return { decoderStartId: start, eosIds, bannedIds, bannedFrom };
}

function isId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
