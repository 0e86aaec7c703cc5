/**
 * Builds a `TextTokenizer` from a `tokenizer.json` (and optional `tokenizer_config.json`) out
 * of its parts, as the file describes them: added tokens × normalizer × pre-tokenizer × model
 * (src/engine/tokenize/parts/). Every part keeps offsets into the original text (see
 * docs/tokenizer-offsets.md); `@huggingface/tokenizers` supplies the merging/Viterbi inside the
 * models, id lookups and decoding. Whatever cannot be used is refused at load, naming the
 * field (`tokenizer.json: pre_tokenizer.pretokenizers[1].type "Foo" is not supported …`).
 */
import { Tokenizer } from '@huggingface/tokenizers';
import type { Token } from '../types';
import { addedTokensAt, AddedTokenSplitter, type AddedTokenSpec } from './addedTokens';
import { identityAligned, originalSpan, toWellFormed } from './alignedText';
import { fileError, partAt, type PartJson } from './parts/fileError';
import { modelOf } from './parts/models';
import { normalizerOf } from './parts/normalizers';
import { compilePattern } from './parts/patterns';
import { checkPostProcessor } from './parts/postProcessors';
import { sliceAligned } from './parts/preTokenizers/splitting';
import { preTokenizerOf } from './parts/preTokenizers';
import type { TextTokenizer, TokenizerKind } from './textTokenizer';

export type { TextTokenizer, TokenizerKind } from './textTokenizer';

interface TokenizerJson {
  model?: unknown;
  normalizer?: PartJson | null;
  pre_tokenizer?: PartJson | null;
  post_processor?: unknown;
  decoder?: unknown;
  added_tokens?: unknown;
}

/** The tokenizer of a model folder; throws one line naming the field it cannot use. */
export function createTokenizer(
  tokenizerJson: object,
  tokenizerConfig: object = {},
): TextTokenizer {
  const json = tokenizerJson as TokenizerJson;
  const model = modelOf(json.model);
  const normalize = normalizerOf(
    json.normalizer == null ? null : partAt(json.normalizer, 'normalizer'),
    'normalizer',
  );
  const preTokenize = preTokenizerOf(
    json.pre_tokenizer == null ? null : partAt(json.pre_tokenizer, 'pre_tokenizer'),
    'pre_tokenizer',
  );
  checkPostProcessor(json.post_processor);
  checkDecoderPatterns(json.decoder, 'decoder');
  const added = addedTokensAt(json.added_tokens);
  const raw = new Map<string, AddedTokenSpec>();
  const normalized = new Map<string, AddedTokenSpec>();
  for (const token of added) {
    if (token.normalized && json.normalizer) {
      normalized.set(
        normalize(identityAligned(token.content, 0, token.content.length)).text,
        token,
      );
    } else {
      raw.set(token.content, token);
    }
  }
  const ids = addedTokenIds(added, model.vocab);
  const addedId = (spec: AddedTokenSpec): number => ids.get(spec.content)!;
  const rawSplitter = new AddedTokenSplitter(raw);
  const normalizedSplitter = new AddedTokenSplitter(normalized);
  let vocabSize = 0;
  for (const id of model.vocab.values()) vocabSize = Math.max(vocabSize, id + 1);
  for (const id of ids.values()) vocabSize = Math.max(vocabSize, id + 1);
  // The library is used for lookups and decoding only; the parts above do the rest.
  const library = new Tokenizer(
    { ...json, normalizer: null, pre_tokenizer: null, post_processor: null },
    tokenizerConfig,
  );

  const tokenize = (text: string): Token[] => {
    const wf = toWellFormed(text);
    const out: Token[] = [];
    for (const section of rawSplitter.split(wf, 0, wf.length)) {
      if (section.added) {
        out.push(addedToken(section.added, addedId(section.added), section));
        continue;
      }
      const aligned = normalize(identityAligned(wf, section.start, section.end));
      for (const sub of normalizedSplitter.split(aligned.text, 0, aligned.text.length)) {
        if (sub.added) {
          const span = originalSpan(aligned, sub.start, sub.end);
          out.push(addedToken(sub.added, addedId(sub.added), span));
          continue;
        }
        if (sub.end === sub.start) continue;
        for (const word of preTokenize([sliceAligned(aligned, sub.start, sub.end)])) {
          model.tokenize(word, out);
        }
      }
    }
    markPartial(out);
    return out;
  };

  const specialIds = new Set(added.filter((t) => t.special).map(addedId));
  return {
    kind: kindOf(json),
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
 * The ids the reference gives added tokens, whatever ids the file writes: the model's id for
 * a token in its vocabulary, otherwise the next id after the vocabulary and the added tokens
 * so far, in file order (`AddedVocabulary::add_tokens`).
 */
function addedTokenIds(
  added: AddedTokenSpec[],
  vocab: ReadonlyMap<string, number>,
): Map<string, number> {
  const ids = new Map<string, number>();
  let max = -1;
  for (const { content } of added) {
    if (ids.has(content)) continue;
    let id = vocab.get(content);
    if (id === undefined) id = max < 0 ? vocab.size : max >= vocab.size ? max + 1 : vocab.size;
    ids.set(content, id);
    max = Math.max(max, id);
  }
  return ids;
}

function kindOf(json: TokenizerJson): TokenizerKind {
  const type = (json.model as PartJson).type;
  if (type === 'WordPiece') return 'wordPiece';
  if (type === 'Unigram') return 'unigram';
  return JSON.stringify(json.pre_tokenizer ?? null).includes('"ByteLevel"')
    ? 'byteLevelBpe'
    : 'bpe';
}

/**
 * Neighbours that share a source character each hold only part of it: some of its UTF-8 bytes
 * (byte-level BPE, byte fallback) or some of what it normalized to (a Hangul syllable's jamo,
 * a ligature's letters). Otherwise tokens never overlap, so an overlap is exactly that case.
 */
function markPartial(tokens: Token[]): void {
  for (let i = 1; i < tokens.length; i++) {
    if (tokens[i]!.start < tokens[i - 1]!.end) tokens[i - 1]!.partial = tokens[i]!.partial = true;
  }
}

function addedToken(spec: AddedTokenSpec, id: number, span: { start: number; end: number }): Token {
  return { id, text: spec.content, start: span.start, end: span.end, special: false };
}

/** The decoders' `Replace` patterns run in the library: refuse the dangerous ones here. */
function checkDecoderPatterns(value: unknown, field: string): void {
  if (value === null || value === undefined) return;
  const json = partAt(value, field);
  if (json.type === 'Replace') compilePattern(json.pattern, `${field}.pattern`);
  if (json.type === 'Sequence' && Array.isArray(json.decoders)) {
    json.decoders.forEach((d: unknown, i) => {
      checkDecoderPatterns(d, `${field}.decoders[${i}]`);
    });
  }
  if (json.type !== undefined && typeof json.type !== 'string') {
    throw fileError(`${field}.type`, 'is not a string');
  }
}
