/**
 * The `Precompiled` normalizer (SentencePiece's charsmap, T5/Marian/mT5): a grapheme cluster
 * shorter than 6 UTF-8 bytes is looked up whole; otherwise (or when the whole is not in the
 * map) each of its characters, as the reference does.
 */
import type { AlignedText } from '../../alignedText';
import { fromCharRun, toCharRun, transformRange, type Change } from '../../charAlignment';
import type { PrecompiledCharsmap } from './precompiledCharsmap';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const utf8 = new TextEncoder();

export function precompiled(map: PrecompiledCharsmap): (input: AlignedText) => AlignedText {
  return (input) => {
    const run = toCharRun(input);
    const changes: Change[] = [];
    let modified = false;
    for (const { segment } of graphemes.segment(input.text)) {
      if (utf8.encode(segment).length < 6) {
        const whole = map.transform(segment);
        if (whole !== undefined) {
          modified = true;
          replaceChanges(changes, [...segment].length, whole);
          continue;
        }
      }
      for (const char of segment) {
        const one = map.transform(char);
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
