/** Builds tokens from source pieces, the way a byte-level BPE tokenizer reports offsets. */
import type { Token } from '../../../src/engine/types';

/** Pieces are consecutive slices of the text; `null` stands for a special token. */
export function tokensOf(pieces: (string | null)[]): { tokens: Token[]; text: string } {
  let text = '';
  const tokens: Token[] = pieces.map((piece, id) => {
    if (piece === null)
      return { id, text: '<|endoftext|>', start: text.length, end: text.length, special: true };
    const start = text.length;
    text += piece;
    return { id, text: piece.replace(/ /g, 'Ġ'), start, end: text.length, special: false };
  });
  return { tokens, text };
}
