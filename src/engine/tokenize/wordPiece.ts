/**
 * WordPiece (BERT): the BertPreTokenizer split (whitespace removed, punctuation isolated),
 * then the library's WordPiece per word. Pieces after the first drop their `##` prefix to
 * find their place in the word; `[UNK]` stands for, and covers, the whole word.
 */
import type { Token } from '../types';
import { originalSpan, type AlignedText } from './alignedText';
import { alignmentError, type LibraryModel, type ModelStep } from './modelStep';
import { unicodeClass } from './unicodeClasses';
import { isWhiteSpace } from './whiteSpace';

export class WordPieceStep implements ModelStep {
  private readonly punctuation = unicodeClass('bertPunctuation');

  constructor(
    private readonly model: LibraryModel,
    private readonly continuingPrefix: string,
  ) {}

  tokenize(aligned: AlignedText, from: number, to: number, out: Token[]): void {
    const text = aligned.text;
    let wordStart = -1;
    for (let i = from; i <= to; ) {
      const cp = i < to ? text.codePointAt(i)! : 0x20;
      const next = i + (cp > 0xffff ? 2 : 1);
      const space = isWhiteSpace(cp);
      const punct = !space && this.punctuation.has(cp);
      if ((space || punct) && wordStart >= 0) {
        this.word(aligned, wordStart, i, out);
        wordStart = -1;
      }
      if (punct) this.word(aligned, i, next, out);
      else if (!space && wordStart < 0) wordStart = i;
      i = next;
    }
  }

  private word(aligned: AlignedText, from: number, to: number, out: Token[]): void {
    const word = aligned.text.slice(from, to);
    const pieces = this.model.encode([word]);
    const unk = this.model.unk_token;
    if (pieces.length === 1 && pieces[0] === unk) {
      out.push(this.token(unk, originalSpan(aligned, from, to)));
      return;
    }
    let at = 0;
    pieces.forEach((piece, i) => {
      const surface = i === 0 ? piece : piece.slice(this.continuingPrefix.length);
      const prefixOk = i === 0 || piece.startsWith(this.continuingPrefix);
      if (!prefixOk || !word.startsWith(surface, at) || surface.length === 0) {
        throw alignmentError('WordPiece', `'${piece}' in '${word}'`);
      }
      out.push(this.token(piece, originalSpan(aligned, from + at, from + at + surface.length)));
      at += surface.length;
    });
    if (at !== word.length) throw alignmentError('WordPiece', `pieces do not cover '${word}'`);
  }

  private token(text: string, span: { start: number; end: number }): Token {
    const id = this.model.tokens_to_ids.get(text) ?? this.model.unk_token_id!;
    return { id, text, start: span.start, end: span.end, special: false };
  }
}
