/**
 * The `Precompiled` normalizer (SentencePiece's charsmap, T5/Marian/mT5): a grapheme cluster
 * shorter than 6 UTF-8 bytes is looked up whole; otherwise (or when the whole is not in the
 * map) each of its characters, as the reference does.
 */
import type { AlignedText } from '../../alignedText';
import { fromCharRun, toCharRun, transformRange, type Change } from '../../charAlignment';
import type { PrecompiledCharsmap } from './precompiledCharsmap';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function precompiled(map: PrecompiledCharsmap): (input: AlignedText) => AlignedText {
  // The same few characters recur: look each chunk up once.
  const cache = new Map<string, string | null>();
  const lookUp = (chunk: string): string | undefined => {
    let found = cache.get(chunk);
    if (found === undefined) {
      found = map.transform(chunk) ?? null;
      cache.set(chunk, found);
    }
    return found ?? undefined;
  };
  return (input) => {
    const run = toCharRun(input);
    const changes: Change[] = [];
    let modified = false;
    for (const segment of clusters(input.text)) {
      if (utf8Length(segment) < 6) {
        const whole = lookUp(segment);
        if (whole !== undefined) {
          modified = true;
          replaceChanges(changes, [...segment].length, whole);
          continue;
        }
      }
      for (const char of segment) {
        const one = lookUp(char);
        if (one === undefined) changes.push([char, 0]);
        else {
          modified = true;
          replaceChanges(changes, 1, one);
        }
      }
    }
    return modified ? fromCharRun(transformRange(run, 0, run.chars.length, changes)) : input;
  };
}

const isAscii = (text: string, i: number): boolean => i >= text.length || text.charCodeAt(i) < 0x80;

/**
 * The grapheme clusters of `text`. An ASCII character followed by another (not CR LF) is a
 * cluster of its own; only the stretches around other characters go to `Intl.Segmenter`,
 * which is slow, each with the ASCII character after it (a prepended mark may join it).
 */
function* clusters(text: string): Generator<string> {
  let i = 0;
  while (i < text.length) {
    const standalone =
      isAscii(text, i) && isAscii(text, i + 1) && !(text[i] === '\r' && text[i + 1] === '\n');
    if (standalone) {
      yield text[i]!;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && !(isAscii(text, j) && isAscii(text, j + 1) && text[j] !== '\r')) j++;
    const end = Math.min(j + 1, text.length);
    for (const { segment } of graphemes.segment(text.slice(i, end))) yield segment;
    i = end;
  }
}

function utf8Length(text: string): number {
  let n = 0;
  for (const char of text) {
    const cp = char.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The reference's `replace` helper: extra characters are insertions, fewer fold into the last. */
function replaceChanges(changes: Change[], oldCount: number, replacement: string): void {
  const added = [...replacement].map((c): Change => [c, 0]);
  const diff = added.length - oldCount;
  if (diff > 0) for (let i = added.length - diff; i < added.length; i++) added[i]![1] = 1;
  changes.push(...added);
  if (diff < 0) {
    const last = changes[changes.length - 1];
    if (last) last[1] += diff;
  }
}
