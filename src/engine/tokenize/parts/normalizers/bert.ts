/**
 * BERT's normalizer (clean text, CJK spacing, accent stripping, lowercasing) applied with
 * alignment tracking, in the reference's order and with its character classes: each output
 * unit keeps the range of the original character it came from.
 */
import { AlignedTextBuilder, type AlignedText } from '../../alignedText';
import { unicodeClass } from '../../unicodeClasses';

/** The `BertNormalizer` options of `tokenizer.json`. */
export interface BertNormalizerOptions {
  clean_text?: boolean;
  handle_chinese_chars?: boolean;
  strip_accents?: boolean | null;
  lowercase?: boolean;
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

/** Normalizes `input` (well-formed) like the reference `BertNormalizer`. */
export function bertNormalize(input: AlignedText, options: BertNormalizerOptions): AlignedText {
  const text = input.text;
  const clean = options.clean_text ?? true;
  const chinese = options.handle_chinese_chars ?? true;
  const lowercase = options.lowercase ?? true;
  const stripAccents = options.strip_accents ?? lowercase;
  const removed = unicodeClass('bertRemoved');
  const whitespace = unicodeClass('bertWhitespace');
  const marks = unicodeClass('bertNonspacingMark');

  const out = new AlignedTextBuilder(text.length);
  const emit = (cp: number, from: number, to: number): void => {
    if (stripAccents && cp >= 0x300 && marks.has(cp)) return;
    const s = String.fromCodePoint(cp);
    out.push(lowercase ? lowerChar(cp, s) : s, from, to);
  };
  const segment = new Segment(emit);
  const accept = (cp: number, from: number, to: number): void => {
    if (stripAccents) segment.add(cp, from, to);
    else emit(cp, from, to);
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const [from, to] = [input.starts[i]!, input.ends[i]!];
    if (!(clean && removed.has(cp))) {
      const c = clean && whitespace.has(cp) ? 0x20 : cp;
      if (chinese && isChineseChar(c)) {
        accept(0x20, from, to);
        accept(c, from, to);
        accept(0x20, from, to);
      } else {
        accept(c, from, to);
      }
    }
    i += cp > 0xffff ? 2 : 1;
  }
  segment.flush();
  return out.build();
}

export function lowerChar(cp: number, s: string): string {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : s;
  // Per character, as Rust's `char::to_lowercase`: no final-sigma context rule.
  return s.toLowerCase();
}

const MARK = /^\p{M}/u;

/**
 * Canonical decomposition with alignment, as the reference does it, one segment (a non-mark
 * and the marks after it; reordering never crosses one) at a time. Decompositions are put in
 * canonical order, then ranges are handed out by position: each first character of a
 * decomposition takes the range of the next source character, each other character the range
 * of the last one taken. Without reordering that is each character's own range; where marks
 * are reordered, a mark takes the range of the position it moved to.
 */
class Segment {
  private cps: number[] = [];
  private firsts: boolean[] = [];
  private starts: number[] = [];
  private ends: number[] = [];
  private marks = 0;
  private lastStart = -1;
  private lastEnd = -1;

  constructor(private readonly emit: (cp: number, from: number, to: number) => void) {}

  /** Adds a source character (range [from, to)) in decomposed form. */
  add(cp: number, from: number, to: number): void {
    if (cp < 0xc0) {
      this.flush();
      this.push(cp, true);
    } else {
      let first = true;
      for (const ch of String.fromCodePoint(cp).normalize('NFD')) {
        const d = ch.codePointAt(0)!;
        const isMark = d >= 0x300 && MARK.test(ch);
        if (first && !isMark) this.flush();
        if (isMark) this.marks++;
        this.push(d, first);
        first = false;
      }
    }
    this.starts.push(from);
    this.ends.push(to);
  }

  flush(): void {
    if (this.marks >= 2) this.canonicalOrder();
    let next = 0;
    for (let i = 0; i < this.cps.length; i++) {
      if (this.firsts[i] || this.lastStart < 0) {
        this.lastStart = this.starts[next]!;
        this.lastEnd = this.ends[next++]!;
      }
      this.emit(this.cps[i]!, this.lastStart, this.lastEnd);
    }
    this.cps.length = this.firsts.length = this.starts.length = this.ends.length = 0;
    this.marks = 0;
  }

  private push(cp: number, first: boolean): void {
    this.cps.push(cp);
    this.firsts.push(first);
  }

  /** Sorts the characters into canonical order; equal characters keep their order. */
  private canonicalOrder(): void {
    const run = this.cps.map((cp) => String.fromCodePoint(cp)).join('');
    const ordered = run.normalize('NFD');
    if (ordered === run) return;
    // Where each code point occurs, in order; the sort is stable, so take them front to back.
    const places = new Map<number, { at: number[]; next: number }>();
    this.cps.forEach((cp, i) => {
      const place = places.get(cp) ?? { at: [], next: 0 };
      place.at.push(i);
      places.set(cp, place);
    });
    const firsts = this.firsts.slice();
    let i = 0;
    for (const ch of ordered) {
      const cp = ch.codePointAt(0)!;
      const place = places.get(cp)!;
      this.cps[i] = cp;
      this.firsts[i++] = firsts[place.at[place.next++]!]!;
    }
  }
}
