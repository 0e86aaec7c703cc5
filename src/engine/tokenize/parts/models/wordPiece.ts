/**
 * WordPiece (BERT): the library's WordPiece per word. Pieces after the first drop their `##`
 * prefix to find their place in the word; `[UNK]` stands for, and covers, the whole word.
 * The library's `Tokenizer` would also put added tokens into the vocabulary (the reference's
 * model does not), so the model is built here from the file's vocabulary alone.
 */
import { WordPiece } from '@huggingface/tokenizers';
import type { Token } from '../../../types';
import type { AlignedText } from '../../alignedText';
import { fileError, stringAt, type PartJson } from '../fileError';
import { vocabularyAt } from './bpe';
import { alignmentError, tokenAt, type Model } from './model';

interface LibraryWordPiece {
  encode(words: string[]): string[];
}

export class WordPieceModel implements Model {
  readonly vocab: ReadonlyMap<string, number>;
  private readonly library: LibraryWordPiece;
  private readonly prefix: string;
  private readonly unk: string;
  private readonly unkId: number;

  constructor(json: PartJson, field: string) {
    const vocab = vocabularyAt(json.vocab, `${field}.vocab`);
    this.vocab = vocab;
    this.prefix = stringAt(json, 'continuing_subword_prefix', field, '##');
    this.unk = stringAt(json, 'unk_token', field);
    const unkId = vocab.get(this.unk);
    if (unkId === undefined) {
      throw fileError(`${field}.unk_token`, `${JSON.stringify(this.unk)} is not in the vocabulary`);
    }
    this.unkId = unkId;
    const max = json.max_input_chars_per_word ?? 100;
    if (!Number.isInteger(max) || (max as number) < 1) {
      throw fileError(
        `${field}.max_input_chars_per_word`,
        `${JSON.stringify(max)} is not a whole number ≥ 1`,
      );
    }
    this.library = new WordPiece({
      ...json,
      continuing_subword_prefix: this.prefix,
    } as unknown as ConstructorParameters<typeof WordPiece>[0]) as unknown as LibraryWordPiece;
  }

  tokenize(word: AlignedText, out: Token[]): void {
    const text = word.text;
    if (text.length === 0) return;
    const pieces = this.library.encode([text]);
    if (pieces.length === 1 && pieces[0] === this.unk) {
      out.push(tokenAt(word, 0, text.length, this.unkId, this.unk));
      return;
    }
    let at = 0;
    pieces.forEach((piece, i) => {
      const surface = i === 0 ? piece : piece.slice(this.prefix.length);
      const prefixOk = i === 0 || piece.startsWith(this.prefix);
      if (!prefixOk || !text.startsWith(surface, at) || surface.length === 0) {
        throw alignmentError('WordPiece', `'${piece}' in '${text}'`);
      }
      const id = this.vocab.get(piece) ?? this.unkId;
      out.push(tokenAt(word, at, at + surface.length, id, piece));
      at += surface.length;
    });
    if (at !== text.length) throw alignmentError('WordPiece', `pieces do not cover '${text}'`);
  }
}
