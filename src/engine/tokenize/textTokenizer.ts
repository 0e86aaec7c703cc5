import type { Token } from '../types';

/** The model family: byte-level BPE, SentencePiece-style BPE, WordPiece or Unigram. */
export type TokenizerKind = 'byteLevelBpe' | 'bpe' | 'wordPiece' | 'unigram';

/** A model's tokenizer: ids from `@huggingface/tokenizers`, offsets into the original text. */
export interface TextTokenizer {
  readonly kind: TokenizerKind;
  /** Highest token id + 1, added tokens included. */
  readonly vocabSize: number;
  /**
   * Tokens of `text` without special tokens (the engine adds those from the manifest).
   * Offsets are UTF-16 code units of `text`; added tokens typed in the text (e.g.
   * `<|endoftext|>`) come out as their own token, with `special: false` since they have a
   * source range.
   */
  tokenize(text: string): Token[];
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  /** True for the ids of added tokens marked `special` (`</s>`, `<pad>`, `[CLS]`…). */
  isSpecial(id: number): boolean;
  /** The text of `ids`, exactly as spelled (no clean-up of spaces before punctuation). */
  decode(ids: number[]): string;
}
