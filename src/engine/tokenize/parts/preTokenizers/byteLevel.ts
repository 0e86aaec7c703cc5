/**
 * The `ByteLevel` pre-tokenizer (GPT-2, and behind a `Split` in Llama 3, Qwen2, SmolLM2):
 * an optional prefix space, the GPT-2 split regex (`use_regex`), then every character
 * spelled as its UTF-8 bytes in the byte-level alphabet. Each byte character keeps its
 * source character's range, so a token holding part of a character gets the whole
 * character's range (and is marked `partial` later).
 */
import type { AlignedText } from '../../alignedText';
import { unicodeClass } from '../../unicodeClasses';
import { booleanAt, type PartJson } from '../fileError';
import { BYTE_TO_CHAR } from './byteLevelAlphabet';
import { regexStretches, splitPiece } from './splitting';

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

export function byteLevel(json: PartJson, field: string): (piece: AlignedText) => AlignedText[] {
  const addPrefixSpace = booleanAt(json, 'add_prefix_space', field, true);
  const regex = booleanAt(json, 'use_regex', field, true) ? gpt2Regex() : undefined;
  return (piece) => {
    const spaced = addPrefixSpace && !piece.text.startsWith(' ') ? withPrefixSpace(piece) : piece;
    const words = regex
      ? splitPiece(spaced, regexStretches(spaced.text, regex), 'Isolated')
      : [spaced];
    return words.map(toBytes);
  };
}

/** The reference's `prepend`: the added space takes the first character's range. */
function withPrefixSpace(piece: AlignedText): AlignedText {
  if (piece.text.length === 0) return piece;
  const starts = new Int32Array(piece.text.length + 1);
  const ends = new Int32Array(piece.text.length + 1);
  starts[0] = piece.starts[0]!;
  ends[0] = piece.ends[0]!;
  starts.set(piece.starts, 1);
  ends.set(piece.ends, 1);
  return { text: ` ${piece.text}`, starts, ends };
}

/** The piece spelled in the byte-level alphabet, one unit per UTF-8 byte. */
function toBytes(piece: AlignedText): AlignedText {
  const text = piece.text;
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) {
    let out = '';
    for (let i = 0; i < text.length; i++) out += BYTE_TO_CHAR[text.charCodeAt(i)];
    return { text: out, starts: piece.starts, ends: piece.ends };
  }
  const starts: number[] = [];
  const ends: number[] = [];
  let out = '';
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const bytes = cp < 0x80 ? [cp] : utf8(cp);
    for (const b of bytes) {
      out += BYTE_TO_CHAR[b];
      starts.push(piece.starts[i]!);
      ends.push(piece.ends[i]!);
    }
    i += width;
  }
  return { text: out, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

function utf8(cp: number): number[] {
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 0x3f)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)];
  return [
    0xf0 | (cp >> 18),
    0x80 | ((cp >> 12) & 0x3f),
    0x80 | ((cp >> 6) & 0x3f),
    0x80 | (cp & 0x3f),
  ];
}
