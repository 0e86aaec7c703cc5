/**
 * Reads the Unicode character classes that the native `tokenizers` package (the reference
 * implementation) applies, by probing its normalizer and pre-tokenizers with every code point.
 * The Rust crate uses `unicode_categories` 0.1 (Unicode 9 tables) for BERT's control,
 * accent and punctuation tests and Oniguruma's tables for the GPT-2 regex, so the classes
 * differ from what a modern JavaScript engine reports. Used by the table generator and by the
 * test that checks the committed tables.
 */
import {
  bertNormalizer,
  bertPreTokenizer,
  byteLevelPreTokenizer,
  nfdNormalizer,
  nfkdNormalizer,
  stripAccentsNormalizer,
  Tokenizer as NativeTokenizer,
} from 'tokenizers';
import { byteLevelEncode } from '../../../src/engine/tokenize/parts/preTokenizers/byteLevelAlphabet';
import type { UnicodeTableName } from '../../../src/engine/tokenize/unicodeTables';

/** Every Unicode scalar value (surrogates excluded: the native binding cannot receive them). */
export function allScalarValues(): number[] {
  const cps: number[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp < 0xd800 || cp > 0xdfff) cps.push(cp);
  }
  return cps;
}

/** Code points BERT's clean-text step removes (NUL, U+FFFD, controls, format, private use). */
function probeBertRemoved(cps: number[]): { removed: number[]; whitespace: number[] } {
  const norm = bertNormalizer({
    cleanText: true,
    handleChineseChars: false,
    stripAccents: false,
    lowercase: false,
  });
  const out = norm.normalizeString(cps.map((cp) => `x${String.fromCodePoint(cp)}`).join(''));
  const removed: number[] = [];
  const whitespace: number[] = [];
  let p = 0;
  for (const cp of cps) {
    if (out[p] !== 'x') throw new Error(`probe lost sync at U+${cp.toString(16)}`);
    p++;
    const s = String.fromCodePoint(cp);
    if (out[p] === ' ') {
      whitespace.push(cp);
      p++;
    } else if (out.startsWith(s, p)) {
      p += s.length;
    } else {
      removed.push(cp);
    }
  }
  return { removed, whitespace };
}

/** Splits the output of a probe whose items are each preceded by U+0000. */
function probeWithNul(normalize: (s: string) => string, cps: number[]): string[] {
  const items = cps.filter((cp) => cp !== 0);
  const parts = normalize(items.map((cp) => `\0${String.fromCodePoint(cp)}`).join('')).split('\0');
  if (parts.length !== items.length + 1) throw new Error('NUL probe lost sync');
  return parts.slice(1);
}

/** Non-decomposable code points that BERT's accent stripping removes (Mn in Unicode 9). */
function probeNonspacingMarks(cps: number[]): number[] {
  const norm = bertNormalizer({
    cleanText: false,
    handleChineseChars: false,
    stripAccents: true,
    lowercase: false,
  });
  const items = cps.filter((cp) => cp !== 0);
  const results = probeWithNul((s) => norm.normalizeString(s), items);
  return items.filter((cp, i) => {
    const s = String.fromCodePoint(cp);
    return s.normalize('NFD') === s && results[i] === '';
  });
}

/** Code points whose lowercase (Rust's `char::to_lowercase`) differs from JavaScript's. */
export function probeLowercaseDifferences(cps: number[]): Map<number, string> {
  const norm = bertNormalizer({
    cleanText: false,
    handleChineseChars: false,
    stripAccents: false,
    lowercase: true,
  });
  const items = cps.filter((cp) => cp !== 0);
  const results = probeWithNul((s) => norm.normalizeString(s), items);
  const diffs = new Map<number, string>();
  items.forEach((cp, i) => {
    if (String.fromCodePoint(cp).toLowerCase() !== results[i]) diffs.set(cp, results[i]!);
  });
  return diffs;
}

/** Code points BERT's pre-tokenizer isolates as punctuation. */
function probeBertPunctuation(cps: number[]): number[] {
  const pieces = bertPreTokenizer().preTokenizeString(
    `${cps.map((cp) => `x${String.fromCodePoint(cp)}`).join('')}x`,
  );
  const punct: number[] = [];
  for (const [piece] of pieces) {
    const cp = piece.codePointAt(0)!;
    if (piece !== 'x' && String.fromCodePoint(cp) === piece) punct.push(cp);
  }
  return punct;
}

/**
 * Runs the GPT-2 pre-tokenizer over `prefix + cp` items and returns the code points for which
 * the item stayed one piece (the class of `prefix`'s last character absorbed `cp`).
 */
function probeMerged(cps: number[], prefix: string): number[] {
  const pieces = byteLevelPreTokenizer(false, true)
    .preTokenizeString(cps.map((cp) => prefix + String.fromCodePoint(cp)).join(''))
    .map(([piece]) => piece);
  const merged: number[] = [];
  let i = 0;
  for (const cp of cps) {
    const s = String.fromCodePoint(cp);
    if (pieces[i] === byteLevelEncode(prefix + s)) {
      merged.push(cp);
      i += 1;
    } else if (pieces[i] === byteLevelEncode(prefix) && pieces[i + 1] === byteLevelEncode(s)) {
      i += 2;
    } else {
      throw new Error(`GPT-2 probe '${prefix}' lost sync at U+${cp.toString(16)}`);
    }
  }
  return merged;
}

/**
 * Code points the GPT-2 regex's `\s` matches: `!` + cp + `a` becomes the three pieces `!`, cp,
 * `a` for whitespace and numbers only (letters join the `a`, other symbols join the `!`).
 */
function probeByteLevelSpace(cps: number[], numbers: Set<number>): number[] {
  const pieces = byteLevelPreTokenizer(false, true)
    .preTokenizeString(cps.map((cp) => `!${String.fromCodePoint(cp)}a`).join(''))
    .map(([piece]) => piece);
  const [bang, a] = [byteLevelEncode('!'), byteLevelEncode('a')];
  const spaces: number[] = [0x20];
  let i = 0;
  for (const cp of cps) {
    const s = byteLevelEncode(String.fromCodePoint(cp));
    if (pieces[i] === bang && pieces[i + 1] === s && pieces[i + 2] === a) {
      if (!numbers.has(cp)) spaces.push(cp);
      i += 3;
    } else if (pieces[i] === bang && pieces[i + 1] === s + a) {
      i += 2;
    } else if (pieces[i] === bang + s && pieces[i + 1] === a) {
      i += 2;
    } else {
      throw new Error(`GPT-2 space probe lost sync at U+${cp.toString(16)}`);
    }
  }
  return spaces.sort((x, y) => x - y);
}

/**
 * Code points an Oniguruma class (e.g. `\\p{Lu}`) matches in the reference: a `Split`
 * pre-tokenizer that removes its matches leaves only the other code points in its offsets.
 */
async function probeOnigClass(cps: number[], regex: string): Promise<number[]> {
  const json = {
    version: '1.0',
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: regex }, behavior: 'Removed', invert: false },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  };
  const items = cps.filter((cp) => cp !== 0);
  const text = items.map((cp) => String.fromCodePoint(cp)).join('');
  const encoding = await NativeTokenizer.fromString(JSON.stringify(json)).encode(text, null, {
    addSpecialTokens: false,
  });
  const kept = new Uint8Array(items.length);
  for (const [start, end] of encoding.getOffsets()) kept.fill(1, start, end);
  return items.filter((_, i) => kept[i] === 0);
}

/**
 * Code points newer than the reference's normalization tables: decomposed or given a
 * combining class by this JavaScript engine but not by the reference, which leaves them as
 * they are and treats them as starters. Found by normalizing each one alone, after U+0345
 * (class 240) and before U+0334 (class 1): a mark of any class moves in one of the two.
 */
function probeNormalizationNew(cps: number[]): number[] {
  const items = cps.filter((cp) => cp !== 0);
  const differs = new Set<number>();
  const probe = (normalize: (s: string) => string, form: string, wrap: (c: string) => string) => {
    const texts = items.map((cp) => wrap(String.fromCodePoint(cp)));
    const out = normalize(texts.join('\0')).split('\0');
    if (out.length !== texts.length) throw new Error('normalization probe lost sync');
    texts.forEach((text, i) => {
      if (out[i] !== text.normalize(form)) differs.add(items[i]!);
    });
  };
  const nfd = nfdNormalizer();
  const nfkd = nfkdNormalizer();
  probe(
    (s) => nfd.normalizeString(s),
    'NFD',
    (c) => c,
  );
  probe(
    (s) => nfkd.normalizeString(s),
    'NFKD',
    (c) => c,
  );
  probe(
    (s) => nfd.normalizeString(s),
    'NFD',
    (c) => `\u0345${c}`,
  );
  probe(
    (s) => nfd.normalizeString(s),
    'NFD',
    (c) => `${c}\u0334`,
  );
  return [...differs].sort((a, b) => a - b);
}

/** Code points the `StripAccents` normalizer removes (its own, older, table of marks). */
function probeStripAccents(cps: number[]): number[] {
  const norm = stripAccentsNormalizer();
  const items = cps.filter((cp) => cp !== 0);
  const results = probeWithNul((s) => norm.normalizeString(s), items);
  return items.filter((_, i) => results[i] === '');
}

/** Probes every table the engine's tokenizers use; values are sorted code point lists. */
export async function probeUnicodeTables(): Promise<Record<UnicodeTableName, number[]>> {
  const cps = allScalarValues();
  const { removed, whitespace } = probeBertRemoved(cps);
  const numbers = probeMerged(cps, ' 0');
  return {
    bertRemoved: removed,
    bertWhitespace: whitespace,
    bertNonspacingMark: probeNonspacingMarks(cps),
    bertPunctuation: probeBertPunctuation(cps),
    byteLevelLetter: probeMerged(cps, ' a'),
    byteLevelNumber: numbers,
    byteLevelSpace: probeByteLevelSpace(cps, new Set(numbers)),
    onigLu: await probeOnigClass(cps, '\\p{Lu}'),
    onigLl: await probeOnigClass(cps, '\\p{Ll}'),
    onigLt: await probeOnigClass(cps, '\\p{Lt}'),
    onigLm: await probeOnigClass(cps, '\\p{Lm}'),
    onigLo: await probeOnigClass(cps, '\\p{Lo}'),
    onigM: await probeOnigClass(cps, '\\p{M}'),
    onigP: await probeOnigClass(cps, '\\p{P}'),
    onigS: await probeOnigClass(cps, '\\p{S}'),
    onigDigit: await probeOnigClass(cps, '\\d'),
    onigWord: await probeOnigClass(cps, '\\w'),
    normalizationNew: probeNormalizationNew(cps),
    stripAccentsMark: probeStripAccents(cps),
  };
}
