/**
 * The reference for tokenizer tests: the native `tokenizers` package (Rust) on the real files
 * in test/fixtures/tokenizers, next to our tokenizer on the same files. The native package
 * reports offsets in Unicode scalar values (a lone surrogate reaches it as one U+FFFD);
 * `toUtf16Offsets` converts them to the UTF-16 offsets our tokens use.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { createTokenizer, type TextTokenizer } from '../../../src/engine/tokenize/createTokenizer';

export const TOKENIZER_DIR = join(__dirname, '../../fixtures/tokenizers');

/** The two real tokenizers the tests run on. */
export const FOLDERS = ['gpt2', 'bert-uncased-minilm'] as const;
export type Folder = (typeof FOLDERS)[number];

/** A token as the comparison sees it: id and UTF-16 range. */
export interface Aligned {
  id: number;
  start: number;
  end: number;
}

export function readJson(folder: Folder, file: string): object {
  return JSON.parse(readFileSync(join(TOKENIZER_DIR, folder, file), 'utf8')) as object;
}

const ours = new Map<Folder, TextTokenizer>();

/** Our tokenizer for a folder (built once per test run). */
export function ourTokenizer(folder: Folder): TextTokenizer {
  let tokenizer = ours.get(folder);
  if (!tokenizer) {
    tokenizer = createTokenizer(
      readJson(folder, 'tokenizer.json'),
      readJson(folder, 'tokenizer_config.json'),
    );
    ours.set(folder, tokenizer);
  }
  return tokenizer;
}

/** The native tokenizer for a folder, without the padding and truncation the BERT file sets. */
export function nativeTokenizer(folder: Folder): NativeTokenizer {
  const native = NativeTokenizer.fromFile(join(TOKENIZER_DIR, folder, 'tokenizer.json'));
  native.disablePadding();
  native.disableTruncation();
  return native;
}

/** Maps scalar-value offsets of `text` to UTF-16 offsets (index = scalar offset). */
export function toUtf16Offsets(text: string): Int32Array {
  const map = new Int32Array(text.length + 1);
  let scalar = 0;
  for (let unit = 0; unit < text.length; scalar++) {
    map[scalar] = unit;
    const c = text.charCodeAt(unit);
    const pair = c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(unit + 1) & 0xfc00) === 0xdc00;
    unit += pair ? 2 : 1;
  }
  map[scalar] = text.length;
  return map;
}

/** The reference's tokens for each text, offsets converted to UTF-16. */
export async function referenceTokens(
  native: NativeTokenizer,
  texts: string[],
): Promise<Aligned[][]> {
  const encodings = await native.encodeBatch(texts, { addSpecialTokens: false });
  return encodings.map((encoding, i) => {
    const map = toUtf16Offsets(texts[i]!);
    const ids = encoding.getIds();
    return encoding.getOffsets().map(([start, end], k) => ({
      id: ids[k]!,
      start: map[start!]!,
      end: map[end!]!,
    }));
  });
}

/** Our tokens in the comparison's shape. */
export function ourTokens(tokenizer: TextTokenizer, text: string): Aligned[] {
  return tokenizer.tokenize(text).map(({ id, start, end }) => ({ id, start, end }));
}

/** Asserts our ids and offsets for `text` are the reference's. */
export async function assertSameTokens(
  native: NativeTokenizer,
  ours: TextTokenizer,
  text: string,
  message?: string,
): Promise<void> {
  const [expected] = await referenceTokens(native, [text]);
  assert.deepEqual(ourTokens(ours, text), expected, message);
}

/**
 * Every code point of the Basic Multilingual Plane but the surrogates, a space after every
 * 7th, in blocks of `size` code points: each block's first code point and its text.
 */
export function bmpBlocks(size: number): [number, string][] {
  const blocks: [number, string][] = [];
  for (let block = 0; block < 0x10000; block += size) {
    let text = '';
    for (let cp = block; cp < block + size; cp++) {
      if (cp < 0xd800 || cp > 0xdfff) text += String.fromCodePoint(cp) + (cp % 7 === 0 ? ' ' : '');
    }
    blocks.push([block, text]);
  }
  return blocks;
}
