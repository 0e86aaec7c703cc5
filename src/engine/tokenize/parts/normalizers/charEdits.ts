/**
 * The character-by-character normalizers, each editing alignments as the reference's
 * `NormalizedString` does: `Lowercase` (extra characters of a lowercasing are insertions),
 * `StripAccents` and `Strip` (removed characters vanish from every range), `Prepend` (the
 * prepended text takes the first character's range) and `Replace`.
 */
import type { AlignedText } from '../../alignedText';
import { fromCharRun, replaceAligned, toCharRun, type CharRun } from '../../charAlignment';
import { unicodeClass } from '../../unicodeClasses';
import { isWhiteSpace } from '../../whiteSpace';
import { lowerChar } from './bert';

type Normalize = (input: AlignedText) => AlignedText;

function onRuns(step: (run: CharRun) => CharRun): Normalize {
  return (input) => {
    const run = toCharRun(input);
    const out = step(run);
    return out === run ? input : fromCharRun(out);
  };
}

export const lowercase: Normalize = onRuns((run) => {
  const out: CharRun = { chars: [], starts: [], ends: [] };
  run.chars.forEach((c, i) => {
    for (const lower of lowerChar(c.codePointAt(0)!, c)) {
      out.chars.push(lower);
      out.starts.push(run.starts[i]!);
      out.ends.push(run.ends[i]!);
    }
  });
  return out;
});

/** Keeps the characters `keep` accepts, with their ranges. */
function filter(run: CharRun, keep: (c: string) => boolean): CharRun {
  const out: CharRun = { chars: [], starts: [], ends: [] };
  run.chars.forEach((c, i) => {
    if (!keep(c)) return;
    out.chars.push(c);
    out.starts.push(run.starts[i]!);
    out.ends.push(run.ends[i]!);
  });
  return out;
}

export const stripAccents: Normalize = onRuns((run) => {
  const marks = unicodeClass('stripAccentsMark');
  return filter(run, (c) => !marks.has(c.codePointAt(0)!));
});

export function strip(left: boolean, right: boolean): Normalize {
  return onRuns((run) => {
    let from = 0;
    let to = run.chars.length;
    while (left && from < to && isWhiteSpace(run.chars[from]!.codePointAt(0)!)) from++;
    while (right && to > from && isWhiteSpace(run.chars[to - 1]!.codePointAt(0)!)) to--;
    if (from === 0 && to === run.chars.length) return run;
    return {
      chars: run.chars.slice(from, to),
      starts: run.starts.slice(from, to),
      ends: run.ends.slice(from, to),
    };
  });
}

export function prepend(text: string): Normalize {
  return (input) => {
    if (input.text.length === 0) return input;
    const starts = new Int32Array(text.length + input.text.length);
    const ends = new Int32Array(starts.length);
    starts.fill(input.starts[0]!, 0, text.length);
    ends.fill(input.ends[0]!, 0, text.length);
    starts.set(input.starts, text.length);
    ends.set(input.ends, text.length);
    return { text: text + input.text, starts, ends };
  };
}

export function replace(pattern: RegExp, content: string): Normalize {
  const general = onRuns((run) => replaceAligned(run, pattern, content));
  const sameLength = singleCodePoint(content);
  return (input) => {
    if (sameLength) {
      const replaced = replaceInPlace(input, pattern, content);
      if (replaced) return replaced;
    }
    return general(input);
  };
}

/** True for text that is exactly one code point (one unit, or one surrogate pair). */
function singleCodePoint(text: string): boolean {
  return text.length > 0 && String.fromCodePoint(text.codePointAt(0)!) === text;
}

/**
 * The common case (`Replace(" ", "▁")` of SentencePiece tokenizers): every match is one code
 * point of `content`'s length, which takes that code point's range — exactly the ranges the
 * units already have, so only the text changes. Null when some match is not such a code point.
 */
function replaceInPlace(input: AlignedText, pattern: RegExp, content: string): AlignedText | null {
  let replaced = false;
  for (const match of input.text.matchAll(pattern)) {
    const found = match[0];
    if (found.length === 0) continue;
    if (found.length !== content.length || !singleCodePoint(found)) return null;
    replaced = true;
  }
  if (!replaced) return input;
  return {
    text: input.text.replace(pattern, (found) => (found.length === 0 ? found : content)),
    starts: input.starts,
    ends: input.ends,
  };
}
