/**
 * SentencePiece Unigram (T5, Marian, mT5…): the library's Unigram (Viterbi over the
 * vocabulary's scores) per word. Consecutive unknown characters become one unknown token
 * covering them all, as the reference fuses them.
 */
import { Unigram } from '@huggingface/tokenizers';
import type { Token } from '../../../types';
import type { AlignedText } from '../../alignedText';
import { fileError, type PartJson } from '../fileError';
import { alignmentError, tokenAt, type Model } from './model';

interface LibraryUnigram {
  /** Pieces of one pre-tokenized word; unknown characters come out as themselves. */
  tokenize(word: string): string[];
}

export class UnigramModel implements Model {
  readonly vocab: ReadonlyMap<string, number>;
  private readonly library: LibraryUnigram;
  private readonly unk: string;
  private readonly unkId: number;

  constructor(json: PartJson, field: string) {
    if (!Array.isArray(json.vocab))
      throw fileError(`${field}.vocab`, 'is not a [[piece, score], …] list');
    const vocab = new Map<string, number>();
    json.vocab.forEach((entry: unknown, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
        throw fileError(`${field}.vocab[${id}]`, 'is not a [piece, score] pair');
      }
      if (!vocab.has(entry[0])) vocab.set(entry[0], id);
    });
    this.vocab = vocab;
    const unkId = json.unk_id;
    if (
      !Number.isInteger(unkId) ||
      (unkId as number) < 0 ||
      (unkId as number) >= json.vocab.length
    ) {
      throw fileError(
        `${field}.unk_id`,
        `${JSON.stringify(unkId ?? null)} is not the index of a piece (the vocabulary has ${json.vocab.length})`,
      );
    }
    if (json.byte_fallback === true) {
      throw fileError(
        `${field}.byte_fallback`,
        'is true; Unigram with byte fallback is not supported',
      );
    }
    this.unkId = unkId as number;
    this.unk = (json.vocab[this.unkId] as [string, number])[0];
    this.library = new Unigram(
      json as unknown as ConstructorParameters<typeof Unigram>[0],
      '</s>',
    ) as unknown as LibraryUnigram;
  }

  tokenize(word: AlignedText, out: Token[]): void {
    const text = word.text;
    if (text.length === 0) return;
    const pieces = this.library.tokenize(text);
    let at = 0;
    let unknownFrom = -1;
    const flushUnknown = (): void => {
      if (unknownFrom < 0) return;
      out.push(tokenAt(word, unknownFrom, at, this.unkId, this.unk));
      unknownFrom = -1;
    };
    for (const piece of pieces) {
      if (piece.length === 0 || !text.startsWith(piece, at)) {
        throw alignmentError('Unigram', `'${piece}' in '${text}'`);
      }
      const id = this.vocab.get(piece);
      if (id === undefined) {
        if (unknownFrom < 0) unknownFrom = at;
        at += piece.length;
        continue;
      }
      flushUnknown();
      out.push(tokenAt(word, at, at + piece.length, id, piece));
      at += piece.length;
    }
    flushUnknown();
    if (at !== text.length) throw alignmentError('Unigram', `pieces do not cover '${text}'`);
  }
}
