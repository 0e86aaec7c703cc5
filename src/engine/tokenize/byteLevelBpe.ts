/**
 * Byte-level BPE (GPT-2): the ByteLevel pre-tokenizer's regex split, then the library's BPE,
 * then offsets by walking the tokens' bytes against the UTF-8 of the normalized text. A
 * token holding only some of a character's bytes gets that whole character's range (and
 * `partial: true`, set by `createTokenizer` for tokens that share a character).
 */
import type { Token } from '../types';
import { AlignedTextBuilder, originalSpan, type AlignedText } from './alignedText';
import { byteLevelEncode } from './byteLevelAlphabet';
import { alignmentError, type LibraryModel, type ModelStep } from './modelStep';
import { unicodeClass } from './unicodeClasses';

/** The `ByteLevel` pre-tokenizer options of `tokenizer.json`. */
export interface ByteLevelOptions {
  add_prefix_space?: boolean;
  use_regex?: boolean;
}

/** GPT-2's split regex with the reference's (Oniguruma's) letter, number and space classes. */
export function gpt2Regex(): RegExp {
  const l = unicodeClass('byteLevelLetter').toRegexClassBody();
  const n = unicodeClass('byteLevelNumber').toRegexClassBody();
  const s = unicodeClass('byteLevelSpace').toRegexClassBody();
  return new RegExp(
    `'s|'t|'re|'ve|'m|'ll|'d| ?[${l}]+| ?[${n}]+| ?[^${s}${l}${n}]+|[${s}]+(?![^${s}])|[${s}]+`,
    'gu',
  );
}

export class ByteLevelBpeStep implements ModelStep {
  private readonly regex: RegExp | undefined;

  constructor(
    private readonly model: LibraryModel,
    private readonly options: ByteLevelOptions,
  ) {
    this.regex = (options.use_regex ?? true) ? gpt2Regex() : undefined;
  }

  tokenize(aligned: AlignedText, from: number, to: number, out: Token[]): void {
    if (to <= from) return;
    let text = aligned.text.slice(from, to);
    let source = aligned;
    let offset = from;
    if (this.options.add_prefix_space && !text.startsWith(' ')) {
      // The reference aligns the added space with the first character.
      text = ` ${text}`;
      source = withPrefixSpace(aligned, from, to);
      offset = 0;
    }
    const words = this.regex ? Array.from(text.matchAll(this.regex), (m) => m[0]) : [text];
    const encoded = words.map(byteLevelEncode);
    const tokens = this.model.encode(encoded);
    if (tokens.join('') !== encoded.join('')) {
      throw alignmentError('byte-level', 'a token is missing from the vocabulary');
    }
    this.place(tokens, text, source, offset, out);
  }

  /**
   * Walks tokens (one UTF-16 unit per byte) and characters (1-4 bytes) in lockstep; a token
   * gets the range of every character it holds a byte of.
   */
  private place(
    tokens: string[],
    text: string,
    source: AlignedText,
    offset: number,
    out: Token[],
  ): void {
    let unit = 0;
    let charEndByte = utf8Length(text, 0);
    let byte = 0;
    for (const token of tokens) {
      const startUnit = unit;
      byte += token.length;
      while (byte > charEndByte) {
        unit += unitsAt(text, unit);
        charEndByte += utf8Length(text, unit);
      }
      const endUnit = unit + unitsAt(text, unit);
      if (byte === charEndByte && endUnit < text.length) {
        unit = endUnit;
        charEndByte += utf8Length(text, unit);
      }
      const { start, end } = originalSpan(source, offset + startUnit, offset + endUnit);
      const id = this.model.tokens_to_ids.get(token)!;
      out.push({ id, text: token, start, end, special: false });
    }
  }
}

function unitsAt(text: string, unit: number): number {
  return text.codePointAt(unit)! > 0xffff ? 2 : 1;
}

function utf8Length(text: string, unit: number): number {
  const cp = text.codePointAt(unit)!;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

function withPrefixSpace(aligned: AlignedText, from: number, to: number): AlignedText {
  const b = new AlignedTextBuilder(to - from + 1);
  b.push(' ', aligned.starts[from]!, aligned.ends[from]!);
  for (let i = from; i < to; i++) b.push(aligned.text[i]!, aligned.starts[i]!, aligned.ends[i]!);
  return b.build();
}
