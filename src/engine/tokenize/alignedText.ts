/**
 * A transformed (normalized) string in which every UTF-16 unit remembers the range of the
 * original text it came from: the heart of offset tracking. Ranges always cover whole
 * original characters, so both units of a surrogate pair carry the pair's range.
 */
export interface AlignedText {
  /** The transformed text. */
  readonly text: string;
  /** Per UTF-16 unit of `text`: start offset (UTF-16) in the original text. */
  readonly starts: Int32Array;
  /** Per UTF-16 unit of `text`: end offset (exclusive) in the original text. */
  readonly ends: Int32Array;
}

/** A range of original UTF-16 offsets, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

/** Builds an `AlignedText` one piece at a time, in linear time. */
export class AlignedTextBuilder {
  private parts: string[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private length = 0;

  constructor(capacity = 16) {
    this.starts = new Int32Array(Math.max(capacity, 16));
    this.ends = new Int32Array(Math.max(capacity, 16));
  }

  /** Appends `piece`, every unit of which came from original range [start, end). */
  push(piece: string, start: number, end: number): void {
    const needed = this.length + piece.length;
    if (needed > this.starts.length) this.grow(needed);
    this.starts.fill(start, this.length, needed);
    this.ends.fill(end, this.length, needed);
    this.length = needed;
    this.parts.push(piece);
  }

  /** Appends an aligned text as it is. */
  append(aligned: AlignedText): void {
    const needed = this.length + aligned.text.length;
    if (needed > this.starts.length) this.grow(needed);
    this.starts.set(aligned.starts, this.length);
    this.ends.set(aligned.ends, this.length);
    this.length = needed;
    this.parts.push(aligned.text);
  }

  build(): AlignedText {
    return {
      text: this.parts.join(''),
      starts: this.starts.subarray(0, this.length),
      ends: this.ends.subarray(0, this.length),
    };
  }

  private grow(needed: number): void {
    const size = Math.max(needed, this.starts.length * 2);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    starts.set(this.starts.subarray(0, this.length));
    ends.set(this.ends.subarray(0, this.length));
    this.starts = starts;
    this.ends = ends;
  }
}

/** `original.slice(start, end)` aligned to itself, character by character. */
export function identityAligned(original: string, start: number, end: number): AlignedText {
  const starts = new Int32Array(end - start);
  const ends = new Int32Array(end - start);
  for (let i = start; i < end; i++) {
    const c = original.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < end && isLowSurrogate(original, i + 1);
    const charEnd = pair ? i + 2 : i + 1;
    starts.fill(i, i - start, charEnd - start);
    ends.fill(charEnd, i - start, charEnd - start);
    if (pair) i++;
  }
  return { text: original.slice(start, end), starts, ends };
}

/**
 * The original range that units [from, to) of `aligned` came from. Characters are usually in
 * order, but canonical reordering of combining marks can swap neighbours, hence min/max.
 */
export function originalSpan(aligned: AlignedText, from: number, to: number): Span {
  let start = aligned.starts[from]!;
  let end = aligned.ends[to - 1]!;
  for (let i = from; i < to; i++) {
    if (aligned.starts[i]! < start) start = aligned.starts[i]!;
    if (aligned.ends[i]! > end) end = aligned.ends[i]!;
  }
  return { start, end };
}

/** Replaces each lone surrogate by U+FFFD (one unit for one unit), as UTF-8 encoders do. */
export function toWellFormed(text: string): string {
  return text.replace(/\p{Cs}/gu, '\ufffd');
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
