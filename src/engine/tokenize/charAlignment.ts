/**
 * A string being normalized, one code point at a time, each remembering the original range
 * it came from; edited the way the reference's `NormalizedString::transform` edits its
 * alignments, so that offsets come out as the Rust `tokenizers` reports them:
 *
 * - a character that replaces one (change 0) takes the replaced character's range;
 * - one that also removes the next k characters (change −k) still takes only the first's
 *   range (the removed ones vanish from every offset);
 * - an inserted character (change +1) takes the range of the character before it in the
 *   input; at the very start, an empty range at the start.
 */
import type { AlignedText } from './alignedText';
import { AlignedTextBuilder } from './alignedText';

/** Code points of a text with their original UTF-16 ranges. */
export interface CharRun {
  chars: string[];
  starts: number[];
  ends: number[];
}

/** One output character of a transformation and how it changes the character count. */
export type Change = [char: string, change: number];

/** Units [from, to) of an aligned text as code points with their ranges. */
export function toCharRun(aligned: AlignedText, from = 0, to = aligned.text.length): CharRun {
  const run: CharRun = { chars: [], starts: [], ends: [] };
  for (let i = from; i < to; ) {
    const cp = aligned.text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    run.chars.push(aligned.text.slice(i, i + width));
    run.starts.push(aligned.starts[i]!);
    run.ends.push(aligned.ends[i]!);
    i += width;
  }
  return run;
}

export function fromCharRun(run: CharRun): AlignedText {
  const builder = new AlignedTextBuilder(run.chars.length * 2);
  for (let i = 0; i < run.chars.length; i++)
    builder.push(run.chars[i]!, run.starts[i]!, run.ends[i]!);
  return builder.build();
}

/**
 * Applies `changes` to characters [from, to) of `run` (the rest is kept); `removedFirst`
 * characters at `from` are dropped before the first output character.
 */
export function transformRange(
  run: CharRun,
  from: number,
  to: number,
  changes: Change[],
  removedFirst = 0,
): CharRun {
  const out: CharRun = {
    chars: run.chars.slice(0, from),
    starts: run.starts.slice(0, from),
    ends: run.ends.slice(0, from),
  };
  let at = from + removedFirst;
  for (const [char, change] of changes) {
    if (change > 0) {
      // Empty range at the start when nothing precedes (the reference's (0, 0) alignment).
      const before = at - 1;
      out.chars.push(char);
      out.starts.push(before >= 0 ? run.starts[before]! : (run.starts[0] ?? 0));
      out.ends.push(before >= 0 ? run.ends[before]! : (run.starts[0] ?? 0));
      continue;
    }
    out.chars.push(char);
    out.starts.push(run.starts[at]!);
    out.ends.push(run.ends[at]!);
    at += 1 - change;
  }
  // Characters of the range no change consumed are removed, as in the reference.
  out.chars.push(...run.chars.slice(to));
  out.starts.push(...run.starts.slice(to));
  out.ends.push(...run.ends.slice(to));
  return out;
}

/**
 * Replaces every match of `pattern` (global) by `content`, as `NormalizedString::replace`:
 * the matched characters go, and each character of `content` is an insertion that takes the
 * range of the last character matched. One pass, so linear in the run's length.
 */
export function replaceAligned(run: CharRun, pattern: RegExp, content: string): CharRun {
  const text = run.chars.join('');
  // Code-point index of each UTF-16 index, for matches found on the joined string.
  const cpIndex = new Int32Array(text.length + 1);
  let unit = 0;
  run.chars.forEach((c, i) => {
    cpIndex.fill(i, unit, unit + c.length);
    unit += c.length;
  });
  cpIndex[text.length] = run.chars.length;
  const out: CharRun = { chars: [], starts: [], ends: [] };
  const added = [...content];
  let last = 0;
  const copy = (to: number): void => {
    for (let i = last; i < to; i++) {
      out.chars.push(run.chars[i]!);
      out.starts.push(run.starts[i]!);
      out.ends.push(run.ends[i]!);
    }
  };
  for (const match of text.matchAll(pattern)) {
    if (match[0].length === 0) continue;
    const from = cpIndex[match.index]!;
    const to = cpIndex[match.index + match[0].length]!;
    copy(from);
    for (const char of added) {
      out.chars.push(char);
      out.starts.push(run.starts[to - 1]!);
      out.ends.push(run.ends[to - 1]!);
    }
    last = to;
  }
  if (last === 0) return run;
  copy(run.chars.length);
  return out;
}
