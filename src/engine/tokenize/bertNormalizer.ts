/**
 * BERT's normalizer (clean text, CJK spacing, accent stripping, lowercasing) applied with
 * alignment tracking, in the reference's order and with its character classes: each output
 * unit keeps the range of the original character it came from.
 */
import { AlignedTextBuilder, type AlignedText } from './alignedText';
import { unicodeClass } from './unicodeClasses';

/** The `BertNormalizer` options of `tokenizer.json`. */
export interface BertNormalizerOptions {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
}

/** One character on its way through the steps, with the original range it came from. */
interface Piece {
  cp: number;
  start: number;
  end: number;
}

/** The reference's "Chinese character" ranges (CJK ideograph blocks, BMP and astral). */
function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** Normalizes `text[start, end)` (well-formed) like the reference `BertNormalizer`. */
export function bertNormalize(
  text: string,
  start: number,
  end: number,
  options: BertNormalizerOptions,
): AlignedText {
  const clean = options.clean_text ?? true;
  const chinese = options.handle_chinese_chars ?? true;
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.strip_accents ?? lowercase;
  const removed = unicodeClass('bertRemoved');
  const whitespace = unicodeClass('bertWhitespace');

  let pieces: Piece[] = [];
  for (let i = start; i < end; ) {
    const cp = text.codePointAt(i)!;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (clean && removed.has(cp)) {
      i = next;
      continue;
    }
    const c = clean && whitespace.has(cp) ? 0x20 : cp;
    if (chinese && isChineseChar(c)) {
      pieces.push({ cp: 0x20, start: i, end: next }, { cp: c, start: i, end: next });
      pieces.push({ cp: 0x20, start: i, end: next });
    } else {
      pieces.push({ cp: c, start: i, end: next });
    }
    i = next;
  }
  if (stripAccents) pieces = stripMarks(nfd(pieces));

  const out = new AlignedTextBuilder(end - start);
  for (const p of pieces) {
    const s = String.fromCodePoint(p.cp);
    out.push(lowercase ? lowerChar(p.cp, s) : s, p.start, p.end);
  }
  return out.build();
}

function lowerChar(cp: number, s: string): string {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : s;
  // Per character, as Rust's `char::to_lowercase`: no final-sigma context rule.
  return s.toLowerCase();
}

const MARK = /^\p{M}/u;

/** A character of a decomposition; `first` marks the first character of its source's. */
interface Decomposed {
  cp: number;
  first: boolean;
}

/**
 * Canonical decomposition with alignment, as the reference does it: decompositions are put
 * in canonical order, then ranges are handed out by position: each first character of a
 * decomposition takes the range of the next source character, each other character the range
 * of the last one taken. Without reordering that is each character's own range; where marks
 * are reordered, a mark takes the range of the position it moved to.
 * Reordering stays within a segment (a non-mark and the marks after it).
 */
function nfd(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  let last: Piece | undefined;
  let sources: Piece[] = [];
  let chars: Decomposed[] = [];
  let marks = 0;
  const flush = (): void => {
    if (marks >= 2) canonicalOrder(chars);
    let next = 0;
    for (const ch of chars) {
      if (ch.first || !last) last = sources[next++];
      out.push({ cp: ch.cp, start: last!.start, end: last!.end });
    }
    sources = [];
    chars = [];
    marks = 0;
  };
  for (const p of pieces) {
    const decomposition = p.cp < 0xc0 ? [p.cp] : codePoints(String.fromCodePoint(p.cp).normalize('NFD'));
    sources.push(p);
    decomposition.forEach((cp, k) => {
      const isMark = cp >= 0x300 && MARK.test(String.fromCodePoint(cp));
      if (!isMark && k === 0) {
        sources.pop();
        flush();
        sources.push(p);
      }
      if (isMark) marks++;
      chars.push({ cp, first: k === 0 });
    });
  }
  flush();
  return out;
}

function codePoints(s: string): number[] {
  return Array.from(s, (ch) => ch.codePointAt(0)!);
}

/** Sorts `chars` into canonical order in place; equal characters keep their order. */
function canonicalOrder(chars: Decomposed[]): void {
  const run = chars.map((c) => String.fromCodePoint(c.cp)).join('');
  const ordered = run.normalize('NFD');
  if (ordered === run) return;
  const pool = chars.slice();
  codePoints(ordered).forEach((cp, i) => {
    const k = pool.findIndex((c) => c.cp === cp);
    chars[i] = pool[k]!;
    pool.splice(k, 1);
  });
}

function stripMarks(pieces: Piece[]): Piece[] {
  const marks = unicodeClass('bertNonspacingMark');
  return pieces.filter((p) => p.cp < 0x300 || !marks.has(p.cp));
}
