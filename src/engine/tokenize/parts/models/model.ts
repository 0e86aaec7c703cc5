/** What every model part does: one pre-tokenized word in, tokens with original offsets out. */
import type { Token } from '../../../types';
import { originalSpan, type AlignedText } from '../../alignedText';

export interface Model {
  /** Appends the tokens of `word` (a piece of normalized, pre-tokenized text) to `out`. */
  tokenize(word: AlignedText, out: Token[]): void;
  /** Token → id of the model's own vocabulary. */
  readonly vocab: ReadonlyMap<string, number>;
}

/** A token covering units [from, to) of `word`. */
export function tokenAt(
  word: AlignedText,
  from: number,
  to: number,
  id: number,
  text: string,
): Token {
  const { start, end } = originalSpan(word, from, to);
  return { id, text, start, end, special: false };
}

/** Thrown when the model's tokens do not spell the text they came from. */
export function alignmentError(kind: string, detail: string): Error {
  return new Error(`Tokenizer offsets: ${kind} tokens do not match the text (${detail})`);
}
