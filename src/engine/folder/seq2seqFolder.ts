/**
 * Encoder-decoder export folders (T5, Flan-T5, BART, Marian opus-mt) as Optimum and
 * Transformers.js write them: `encoder_model.onnx` + `decoder_model.onnx` (or the no-past
 * branch of `decoder_model_merged.onnx`), at the top or under `onnx/`, with config.json,
 * generation_config.json and the tokenizer files. The encoder goes through the same checks
 * and edits as a single-graph folder; the decoder through seq2seqDecoder.ts.
 */
import type { onnx } from 'onnx-proto';
import { decodeGraph } from '../graph/prepareGraph';
import { checkPrecisions } from './pairPrecision';
import { modelError, parseJsonFile } from '../modelError';
import { deriveManifest } from './deriveManifest';
import { EXPORT_FOLDER_FILES, jsonObject, tokenizerSettings } from './exportFolder';
import { prepareFolder, type LoadedModelFolder } from './loadModelFolder';
import { readConfigFacts } from './modelConfig';
import type { ModelFiles } from './modelFiles';
import {
  knownGraphPaths,
  rankGraphFiles,
  SEQ2SEQ_DECODER_ROLES,
  type GraphFile,
  type GraphVariant,
} from './onnxGraphFiles';
import {
  generationIds,
  readDecoderGraph,
  type DecoderGraph,
  type GenerationIds,
} from './seq2seqDecoder';
import { parseTokenizer } from './tokenizerVocabulary';
import { folderName } from './folderName';

/** A validated encoder-decoder folder, ready for two sessions. */
export interface Seq2SeqFolder {
  /** The encoder as a single-graph folder: manifest (source side), tokenizer, feeds, attention outputs. */
  encoder: LoadedModelFolder;
  decoder: DecoderGraph;
  decoderLayers: number;
  decoderHeads: number;
  /** Where each head count was read, for messages (`config.json "decoder_attention_heads"`). */
  headsFrom: { encoder: string; decoder: string };
  generation: GenerationIds;
  /**
   * The graph greedy decoding continues a target with, one token at a time from the
   * key/value cache: the merged decoder itself (its cache branch) or the folder's
   * `decoder_with_past_model.onnx`; absent when the folder has neither.
   */
  cacheSteps?: { graphFile: string; merged: boolean };
  notes: string[];
}

const ADVICE = 'Use the file saved with the model.';
const EXPORT_ADVICE =
  'Export it with `optimum-cli export onnx --task text2text-generation` (it writes encoder_model.onnx and decoder_model.onnx), ' +
  'or use a Transformers.js folder with onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx.';

/** Graph files and config a folder is recognised by. */
async function survey(
  files: ModelFiles,
): Promise<{ paths: string[]; config?: Record<string, unknown> }> {
  const paths = await files.list([
    ...EXPORT_FOLDER_FILES,
    'generation_config.json',
    ...knownGraphPaths(),
  ]);
  const bytes =
    paths.includes('config.json') || paths.length === 0
      ? await files.read('config.json')
      : undefined;
  if (!bytes) return { paths };
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return {
      paths,
      config:
        typeof json === 'object' && json !== null && !Array.isArray(json)
          ? (json as Record<string, unknown>)
          : undefined,
    };
  } catch {
    return { paths }; // the single-graph loader reports the broken file
  }
}

/**
 * True for a folder to load as an encoder-decoder: no manifest.json, and an encoder graph
 * or a config.json that names an encoder-decoder family (or says `is_encoder_decoder`).
 */
export async function isSeq2SeqFolder(files: ModelFiles): Promise<boolean> {
  if (await files.read('manifest.json')) return false;
  const { paths, config } = await survey(files);
  if (rankGraphFiles(paths, ['encoder']).length > 0) return true;
  return config !== undefined && readConfigFacts(config).architecture === 'encoder-decoder';
}

export async function readSeq2SeqFolder(
  files: ModelFiles,
  variant?: GraphVariant,
): Promise<Seq2SeqFolder> {
  const { label } = files;
  const { paths } = await survey(files);
  const configBytes = await files.read('config.json');
  if (!configBytes) {
    throw modelError(
      'missingFile',
      label,
      'config.json',
      'not found next to the encoder-decoder graphs',
      'Encoder-decoder folders need the config.json saved with the model (it names decoder_start_token_id and the layer counts).',
    );
  }
  const config = jsonObject(
    parseJsonFile(configBytes, label, 'config.json', ADVICE),
    label,
    'config.json',
  );
  const facts = readConfigFacts(config);
  const { encoder, decoder, withPast, notes } = chooseGraphs(
    paths,
    label,
    facts.modelType,
    variant,
  );
  const generationBytes = await files.read('generation_config.json');
  const generation = generationBytes
    ? jsonObject(
        parseJsonFile(generationBytes, label, 'generation_config.json', ADVICE),
        label,
        'generation_config.json',
      )
    : undefined;
  const ids = generationIds(config, generation, label);
  const tokenizerBytes = await files.read('tokenizer.json');
  if (!tokenizerBytes) {
    throw modelError(
      'missingFile',
      label,
      'tokenizer.json',
      'not found',
      'Encoder-decoder folders need the tokenizer.json saved with the model (Transformers.js repositories have one).',
    );
  }
  const { json: tokenizerJson, vocabulary } = parseTokenizer(tokenizerBytes, label);
  const tokenizerConfig = await tokenizerSettings(files);
  const onnxBytes = await files.read(encoder.path);
  if (!onnxBytes)
    throw modelError('missingFile', label, encoder.path, 'not found', 'Check the folder.');
  const { model, facts: graphFacts } = decodeGraph(onnxBytes, label, encoder.path);
  const derived = deriveManifest({
    label,
    folderName: folderName(label),
    config,
    graph: model.graph as onnx.IGraphProto,
    graphPath: encoder.path,
    tokenizerJson: tokenizerJson as unknown as Record<string, unknown>,
    tokenizerConfig,
  });
  const manifest = { ...derived.manifest, architecture: 'encoder-decoder' as const };
  const headDim = facts.headDim ?? Math.floor(manifest.hiddenSize / manifest.heads);
  const decoderLayers = facts.decoderLayers ?? manifest.layers;
  const decoderHeads = facts.decoderHeads ?? manifest.heads;
  const encoderFolder = await prepareFolder(
    files,
    {
      manifest,
      graphPath: encoder.path,
      graphFiles: [],
      onnxBytes,
      model,
      tokenizerJson,
      vocabulary,
      ...(tokenizerConfig ? { tokenizerConfig } : {}),
      past: {},
      notes: [],
      facts: graphFacts,
    },
    false,
  );
  const decoderGraph = await readDecoderGraph(files, decoder.path, {
    layers: decoderLayers,
    heads: decoderHeads,
    headDim,
  });
  checkIds(ids, vocabulary.size, label);
  return {
    encoder: encoderFolder,
    decoder: decoderGraph,
    decoderLayers,
    decoderHeads,
    headsFrom: {
      encoder: `config.json "${facts.fields.heads ?? 'heads'}"`,
      decoder: facts.fields.decoderHeads
        ? `config.json "${facts.fields.decoderHeads}"`
        : `the encoder's head count`,
    },
    generation: ids,
    ...(decoder.role === 'decoderMerged'
      ? { cacheSteps: { graphFile: decoder.path, merged: true } }
      : withPast
        ? { cacheSteps: { graphFile: withPast.path, merged: false } }
        : {}),
    notes: [...notes, ...derived.notes, ...encoderFolder.notes, ...decoderGraph.notes],
  };
}

/** The encoder graph (best variant, or the one asked for) and the decoder that matches it. */
function chooseGraphs(
  paths: string[],
  label: string,
  modelType: string,
  variant?: GraphVariant,
): { encoder: GraphFile; decoder: GraphFile; withPast?: GraphFile; notes: string[] } {
  const graphs = paths.filter((p) => p.endsWith('.onnx'));
  const encoders = rankGraphFiles(paths, ['encoder']);
  const decoders = rankGraphFiles(paths, SEQ2SEQ_DECODER_ROLES);
  const family = modelType
    ? `config.json says model_type "${modelType}", an encoder-decoder`
    : 'this is an encoder-decoder folder';
  if (encoders.length === 0) {
    throw modelError(
      'missingFile',
      label,
      'encoder_model.onnx',
      `not found: ${family}, which needs encoder_model.onnx and decoder_model.onnx (found: ${graphs.join(', ') || 'no ONNX graph'})`,
      EXPORT_ADVICE,
    );
  }
  if (decoders.length === 0) {
    const withPast = graphs.some((p) => p.includes('decoder_with_past_model'));
    throw modelError(
      'missingFile',
      label,
      'decoder_model.onnx',
      `not found: ${family}, which needs decoder_model.onnx or decoder_model_merged.onnx next to ${encoders[0]!.path} (found: ${graphs.join(', ')})` +
        (withPast
          ? '; decoder_with_past_model.onnx alone cannot start a target (it only continues one from a cache)'
          : ''),
      EXPORT_ADVICE,
    );
  }
  const notes: string[] = [];
  const matchingDecoder = (enc: GraphFile): GraphFile | undefined =>
    decoders.find((file) => file.variant === enc.variant && sameFolder(file, enc)) ??
    decoders.find((file) => file.variant === enc.variant);
  // The asked variant first, then the best; an encoder with a decoder of its own precision
  // before one without (an fp32 encoder cannot feed an fp16 decoder's float16 inputs).
  const ordered = [
    ...encoders.filter((file) => file.variant === variant),
    ...encoders.filter((file) => file.variant !== variant),
  ];
  const encoder = ordered.find((file) => matchingDecoder(file)) ?? ordered[0]!;
  if (variant !== undefined && variant !== encoder.variant)
    notes.push(
      `No ${variant} encoder and decoder in this folder; using ${encoder.path} (${encoder.variant}).`,
    );
  const decoder = matchingDecoder(encoder) ?? decoders[0]!;
  checkPrecisions(encoder, decoder, encoders, decoders, label);
  if (decoder.variant !== encoder.variant)
    notes.push(
      `No ${encoder.variant} decoder in this folder; using ${decoder.path} (${decoder.variant}).`,
    );
  if (encoder.variant !== 'fp32')
    notes.push(
      `${encoder.path} has ${encoder.variant} weights: its attention approximates the fp32 model's.`,
    );
  notes.push(
    `Encoder ${encoder.path}, decoder ${decoder.path}${decoder.role === 'decoderMerged' ? ' (its no-cache branch)' : ''}.`,
  );
  const withPast = rankGraphFiles(paths, ['decoderWithPast']).find(
    (file) => file.variant === decoder.variant && sameFolder(file, decoder),
  );
  return { encoder, decoder, ...(withPast ? { withPast } : {}), notes };
}

/** Whether two graph files lie in the same folder of the export. */
function sameFolder(a: GraphFile, b: GraphFile): boolean {
  const folder = (file: GraphFile) => file.path.slice(0, file.path.lastIndexOf('/') + 1);
  return folder(a) === folder(b);
}

function checkIds(ids: GenerationIds, vocabSize: number, label: string): void {
  const outside = [ids.decoderStartId, ...ids.eosIds].find((id) => id >= vocabSize);
  if (outside !== undefined) {
    throw modelError(
      'vocabMismatch',
      label,
      'config.json',
      `names token id ${outside} (decoder_start_token_id / eos_token_id), beyond the tokenizer's ${vocabSize} ids`,
      'Use the config.json and tokenizer.json saved with the same model.',
    );
  }
}
