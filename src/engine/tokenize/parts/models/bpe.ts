/**
 * BPE, both byte-level (GPT-2, Llama 3, Qwen2: the pre-tokenizer spelled the text in bytes)
 * and SentencePiece-style (Llama 2, Mistral, Gemma: characters, with `byte_fallback` to
 * `<0x0A>` pieces and `fuse_unk`). The library's BPE does the merging; each merged piece
 * spells units of the word, so its place is known. A character missing from the vocabulary
 * becomes its UTF-8 bytes' pieces (each covering the whole character, hence `partial`), or
 * the unknown token (consecutive ones fused into one), or nothing, as in the reference.
 */
import { BPE } from '@huggingface/tokenizers';
import type { Token } from '../../../types';
import type { AlignedText } from '../../alignedText';
import { fileError, type PartJson } from '../fileError';
import { tokenAt, type Model } from './model';

interface LibraryBpe {
  bpe(word: string): string[];
}

const utf8 = new TextEncoder();

export class BpeModel implements Model {
  readonly vocab: ReadonlyMap<string, number>;
  private readonly library: LibraryBpe;
  private readonly byteFallback: boolean;
  private readonly fuseUnk: boolean;
  private readonly ignoreMerges: boolean;
  private readonly unk: { token: string; id: number } | undefined;
  /** No token joins a character to a following `▁`, so no merge crosses the start of a `▁` run. */
  private readonly cutsAtSpaces: boolean;

  constructor(json: PartJson, field: string) {
    const vocab = vocabularyAt(json.vocab, `${field}.vocab`);
    this.vocab = vocab;
    const merges = mergesAt(json.merges, `${field}.merges`, vocab);
    for (const key of ['continuing_subword_prefix', 'end_of_word_suffix'] as const) {
      if (typeof json[key] === 'string' && json[key] !== '') {
        throw fileError(`${field}.${key}`, 'is set; BPE with a prefix or suffix is not supported');
      }
    }
    if (typeof json.dropout === 'number' && json.dropout > 0) {
      throw fileError(
        `${field}.dropout`,
        'is set; BPE with dropout (random merges) is not supported',
      );
    }
    this.byteFallback = json.byte_fallback === true;
    this.fuseUnk = json.fuse_unk === true;
    this.ignoreMerges = json.ignore_merges === true;
    if (typeof json.unk_token === 'string') {
      const id = vocab.get(json.unk_token);
      if (id === undefined) {
        throw fileError(
          `${field}.unk_token`,
          `${JSON.stringify(json.unk_token)} is not in the vocabulary`,
        );
      }
      this.unk = { token: json.unk_token, id };
    }
    this.cutsAtSpaces = ![...vocab.keys()].some((token) => /[^\u2581]\u2581/u.test(token));
    this.library = new BPE({
      vocab: json.vocab,
      merges,
      unk_token: json.unk_token,
    } as unknown as ConstructorParameters<typeof BPE>[0]) as unknown as LibraryBpe;
  }

  tokenize(word: AlignedText, out: Token[]): void {
    const text = word.text;
    if (text.length === 0) return;
    const whole = this.ignoreMerges ? this.vocab.get(text) : undefined;
    if (whole !== undefined) {
      out.push(tokenAt(word, 0, text.length, whole, text));
      return;
    }
    let at = 0;
    let unkFrom = -1;
    const flushUnk = (): void => {
      if (unkFrom < 0 || !this.unk) return;
      out.push(tokenAt(word, unkFrom, at, this.unk.id, this.unk.token));
      unkFrom = -1;
    };
    for (const piece of this.pieces(text)) {
      const id = this.vocab.get(piece);
      if (id !== undefined) {
        flushUnk();
        out.push(tokenAt(word, at, at + piece.length, id, piece));
      } else if (!this.fallBack(word, piece, at, out)) {
        if (!this.fuseUnk) flushUnk();
        if (unkFrom < 0) unkFrom = at;
      }
      at += piece.length;
    }
    flushUnk();
  }

  /**
   * The merged pieces of `text`. SentencePiece-style files give BPE the whole text as one
   * word; cutting it before each run of `▁` gives the same merges (none crosses such a
   * cut) in linear time, and lets the library cache the short words.
   */
  private *pieces(text: string): Generator<string> {
    if (!this.cutsAtSpaces || text.length < 64) {
      yield* this.library.bpe(text);
      return;
    }
    let from = 0;
    for (let i = 1; i <= text.length; i++) {
      if (i === text.length || (text[i] === '\u2581' && text[i - 1] !== '\u2581')) {
        yield* this.library.bpe(text.slice(from, i));
        from = i;
      }
    }
  }

  /** The piece's bytes as `<0xXX>` tokens, when byte fallback has them all. */
  private fallBack(word: AlignedText, piece: string, at: number, out: Token[]): boolean {
    if (!this.byteFallback) return false;
    const ids: [string, number][] = [];
    for (const b of utf8.encode(piece)) {
      const name = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
      const id = this.vocab.get(name);
      if (id === undefined) return false;
      ids.push([name, id]);
    }
    for (const [name, id] of ids) out.push(tokenAt(word, at, at + piece.length, id, name));
    return true;
  }
}

/** Token → id, checked: ids must be integers ≥ 0. */
export function vocabularyAt(value: unknown, field: string): Map<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fileError(field, 'is not an object of token → id');
  }
  const vocab = new Map<string, number>();
  for (const [token, id] of Object.entries(value)) {
    if (!Number.isInteger(id) || (id as number) < 0) {
      throw fileError(
        field,
        `gives ${JSON.stringify(token)} the id ${JSON.stringify(id)} (ids are integers ≥ 0)`,
      );
    }
    vocab.set(token, id as number);
  }
  return vocab;
}

/** Merges as pairs, each naming two vocabulary tokens whose join is in the vocabulary too. */
function mergesAt(value: unknown, field: string, vocab: Map<string, number>): [string, string][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw fileError(field, 'is not a list');
  return value.map((merge: unknown, i): [string, string] => {
    const pair =
      typeof merge === 'string'
        ? (() => {
            const space = merge.indexOf(' ', 1);
            return space < 0 ? undefined : [merge.slice(0, space), merge.slice(space + 1)];
          })()
        : merge;
    if (!Array.isArray(pair) || pair.length !== 2 || pair.some((p) => typeof p !== 'string')) {
      throw fileError(`${field}[${i}]`, `${JSON.stringify(merge)} is not a pair of tokens`);
    }
    const [a, b] = pair as [string, string];
    for (const token of [a, b, a + b]) {
      if (!vocab.has(token)) {
        throw fileError(
          `${field}[${i}]`,
          `${JSON.stringify(merge)} names ${JSON.stringify(token)}, which is not in the vocabulary`,
        );
      }
    }
    return [a, b];
  });
}
