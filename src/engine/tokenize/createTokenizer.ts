/**
 * Builds a `TextTokenizer` from a `tokenizer.json` (and optional `tokenizer_config.json`).
 * The library (`@huggingface/tokenizers`) supplies the vocabulary, the BPE/WordPiece model and
 * decoding; normalization, pre-tokenization and added-token matching run here, with offset
 * tracking and the reference implementation's Unicode tables (see docs/tokenizer-offsets.md).
 */
import { Tokenizer, Unigram, WordPiece } from '@huggingface/tokenizers';
import type { Token } from '../types';
import { AddedTokenSplitter, type AddedTokenSpec } from './addedTokens';
import { identityAligned, originalSpan, toWellFormed, type AlignedText } from './alignedText';
import { bertNormalize, type BertNormalizerOptions } from './bertNormalizer';
import { ByteLevelBpeStep, type ByteLevelOptions } from './byteLevelBpe';
import type { LibraryModel, ModelStep } from './modelStep';
import { sentencePieceNormalizer, type NormalizerJson } from './sentencePieceNormalizer';
import type { TextTokenizer, TokenizerKind } from './textTokenizer';
import { UnigramStep, type LibraryUnigram, type PreTokenizerJson } from './unigram';
import { WordPieceStep } from './wordPiece';

export type { TextTokenizer, TokenizerKind } from './textTokenizer';

interface Component {
  type?: string;
  [key: string]: unknown;
}

interface TokenizerJson {
  model?: Component & { vocab?: Record<string, number> | unknown };
  normalizer?: Component | null;
  pre_tokenizer?: Component | null;
  added_tokens?: AddedTokenSpec[];
}

type Normalize = (text: string, start: number, end: number) => AlignedText;

/**
 * The tokenizer of a model folder. Throws `Unsupported tokenizer.json: ...` for tokenizers
 * whose offsets cannot be computed exactly.
 */
export function createTokenizer(
  tokenizerJson: object,
  tokenizerConfig: object = {},
): TextTokenizer {
  const json = tokenizerJson as TokenizerJson;
  const kind = detectKind(json);
  const library = new Tokenizer(tokenizerJson, tokenizerConfig);
  const normalize =
    kind === 'unigram'
      ? sentencePieceNormalizer(json.normalizer as NormalizerJson)
      : normalizerOf(json.normalizer);
  const step: ModelStep =
    kind === 'byteLevelBpe'
      ? new ByteLevelBpeStep(
          library.model as unknown as LibraryModel,
          json.pre_tokenizer as ByteLevelOptions,
        )
      : kind === 'unigram'
        ? unigramStep(json)
        : wordPieceStep(json.model!);
  const added = json.added_tokens ?? [];
  const raw = new Map<string, AddedTokenSpec>();
  const normalized = new Map<string, AddedTokenSpec>();
  for (const token of added) {
    if (token.normalized && json.normalizer) {
      normalized.set(normalize(token.content, 0, token.content.length).text, token);
    } else {
      raw.set(token.content, token);
    }
  }
  const vocab = vocabularyOf(json.model!);
  // The reference gives an added token that is also in the model's vocabulary the model's id.
  const addedId = (spec: AddedTokenSpec): number =>
    Object.hasOwn(vocab, spec.content) ? vocab[spec.content]! : spec.id;
  const rawSplitter = new AddedTokenSplitter(raw);
  const normalizedSplitter = new AddedTokenSplitter(normalized);
  let vocabSize = 0;
  for (const id of [...Object.values(vocab), ...added.map((t) => t.id)]) {
    vocabSize = Math.max(vocabSize, id + 1);
  }

  const tokenize = (text: string): Token[] => {
    const wf = toWellFormed(text);
    const out: Token[] = [];
    for (const section of rawSplitter.split(wf, 0, wf.length)) {
      if (section.added) {
        out.push(addedToken(section.added, addedId(section.added), section));
        continue;
      }
      const aligned = normalize(wf, section.start, section.end);
      for (const sub of normalizedSplitter.split(aligned.text, 0, aligned.text.length)) {
        if (!sub.added) {
          step.tokenize(aligned, sub.start, sub.end, out);
          continue;
        }
        const span = originalSpan(aligned, sub.start, sub.end);
        out.push(addedToken(sub.added, addedId(sub.added), span));
      }
    }
    markPartial(out);
    return out;
  };

  const specialIds = new Set(added.filter((t) => t.special).map(addedId));
  return {
    kind,
    vocabSize,
    isSpecial: (id) => specialIds.has(id),
    tokenize,
    tokenToId: (token) => library.token_to_id(token),
    idToToken: (id) => library.id_to_token(id),
    decode: (ids) =>
      ids.length === 0
        ? ''
        : library.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }),
  };
}

/**
 * Neighbours that share a source character each hold only part of it: some of its UTF-8 bytes
 * (byte-level BPE) or some of what it normalized to (WordPiece, e.g. a Hangul syllable's
 * jamo). Otherwise tokens never overlap, so an overlap is exactly that case.
 */
function markPartial(tokens: Token[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.start < tokens[i - 1]!.end) tokens[i - 1]!.partial = tokens[i]!.partial = true;
  }
}

/**
 * The library's `Tokenizer` adds the added tokens to its model's vocabulary, so WordPiece
 * would match them inside words; the reference's model does not, so use a model of our own.
 */
function wordPieceStep(config: Component): ModelStep {
  const prefix =
    typeof config.continuing_subword_prefix === 'string' ? config.continuing_subword_prefix : '##';
  const model = new WordPiece({
    ...config,
    continuing_subword_prefix: prefix,
  } as unknown as ConstructorParameters<typeof WordPiece>[0]);
  return new WordPieceStep(model as unknown as LibraryModel, prefix);
}

/**
 * The reference's Unigram model, not the library's `Tokenizer`'s: that one is built with
 * its own normalizer and pre-tokenizer steps, which we run ourselves with offsets.
 */
function unigramStep(json: TokenizerJson): ModelStep {
  const model = new Unigram(
    json.model as unknown as ConstructorParameters<typeof Unigram>[0],
    '</s>',
  );
  return new UnigramStep(
    model as unknown as LibraryUnigram,
    json.pre_tokenizer as PreTokenizerJson,
  );
}

/** Token → id of the model's vocabulary: an object for BPE/WordPiece, `[[piece, score]]` for Unigram. */
function vocabularyOf(model: Component): Record<string, number> {
  if (!Array.isArray(model.vocab)) return model.vocab as Record<string, number>;
  const vocab: Record<string, number> = {};
  (model.vocab as unknown[][]).forEach((entry, id) => {
    if (!Object.hasOwn(vocab, String(entry[0]))) vocab[String(entry[0])] = id;
  });
  return vocab;
}

function addedToken(spec: AddedTokenSpec, id: number, span: { start: number; end: number }): Token {
  return { id, text: spec.content, start: span.start, end: span.end, special: false };
}

function normalizerOf(normalizer: Component | null | undefined): Normalize {
  if (!normalizer) return identityAligned;
  const options = normalizer as BertNormalizerOptions;
  return (text, start, end) => bertNormalize(text, start, end, options);
}

const SUPPORTED =
  'supported: byte-level BPE (GPT-2 style: BPE model, ByteLevel pre-tokenizer, no normalizer), ' +
  'WordPiece (BERT style: BertNormalizer or none, BertPreTokenizer) and SentencePiece Unigram ' +
  '(T5/Marian style: Precompiled, Replace or Strip normalizers, Metaspace/WhitespaceSplit pre-tokenizers)';

/** Picks the pipeline, or says precisely which part of the file is not supported. */
function detectKind(json: TokenizerJson): TokenizerKind {
  const fail = (what: string): never => {
    throw new Error(`Unsupported tokenizer.json: ${what} (${SUPPORTED})`);
  };
  const model = json.model;
  if (!model || typeof model !== 'object' || !model.vocab || typeof model.vocab !== 'object') {
    fail('no "model" with a "vocab"');
  }
  const pre = json.pre_tokenizer?.type ?? 'none';
  const norm = json.normalizer?.type ?? 'none';
  if (model!.type === 'BPE') {
    if (pre !== 'ByteLevel') fail(`BPE with pre-tokenizer ${pre}`);
    if (norm !== 'none') fail(`byte-level BPE with normalizer ${norm}`);
    if (model!.continuing_subword_prefix || model!.end_of_word_suffix) {
      fail('BPE with a continuing-subword prefix or end-of-word suffix');
    }
    if (model!.dropout) fail('BPE with dropout');
    return 'byteLevelBpe';
  }
  if (model!.type === 'WordPiece') {
    if (pre !== 'BertPreTokenizer') fail(`WordPiece with pre-tokenizer ${pre}`);
    if (norm !== 'none' && norm !== 'BertNormalizer') fail(`WordPiece with normalizer ${norm}`);
    if (typeof model!.unk_token !== 'string') fail('WordPiece without an unk_token');
    return 'wordPiece';
  }
  if (model!.type === 'Unigram') {
    if (!Array.isArray(model!.vocab)) fail('Unigram without a [[piece, score], …] vocab');
    if (model!.byte_fallback === true) fail('Unigram with byte_fallback');
    if (!Number.isInteger(model!.unk_id)) fail('Unigram without an unk_id');
    try {
      sentencePieceNormalizer(json.normalizer as NormalizerJson);
      new UnigramStep({} as LibraryUnigram, json.pre_tokenizer as PreTokenizerJson);
    } catch (error) {
      fail(`Unigram with ${(error as Error).message}`);
    }
    return 'unigram';
  }
  return fail(`model type ${String(model!.type)}`);
}
