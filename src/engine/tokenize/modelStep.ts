/**
 * What the pipelines need from `@huggingface/tokenizers`' model (the BPE or WordPiece
 * algorithm itself): words in, vocabulary tokens out, plus the vocabulary.
 */
import type { Token } from '../types';
import type { AlignedText } from './alignedText';

/** The library model, narrowed to what the pipelines use. */
export interface LibraryModel {
  /** Tokenizes each pre-tokenized word; returns the tokens of all words, in order. */
  encode(words: string[]): string[];
  tokens_to_ids: Map<string, number>;
  unk_token?: string;
  unk_token_id?: number;
}

/** Turns units [from, to) of a normalized text into tokens with original offsets. */
export interface ModelStep {
  tokenize(aligned: AlignedText, from: number, to: number, out: Token[]): void;
}

/** Thrown when the model's tokens do not spell the text they came from. */
export function alignmentError(kind: string, detail: string): Error {
  return new Error(`Tokenizer offsets: ${kind} tokens do not match the text (${detail})`);
}
