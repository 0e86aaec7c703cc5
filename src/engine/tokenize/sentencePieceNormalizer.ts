/**
 * The normalizers SentencePiece-converted tokenizer.json files use (T5, Marian, mT5…), with
 * offset tracking: `Precompiled` (the SentencePiece charsmap, applied per grapheme cluster as
 * the reference does; a null charsmap, as Transformers.js' Marian files hold, normalizes
 * nothing), `Replace` (string or regex), `Strip`, and `Sequence` of these.
 */
import { identityAligned, type AlignedText } from './alignedText';
import {
  fromCharRun,
  replaceAligned,
  toCharRun,
  transformRange,
  type Change,
  type CharRun,
} from './charAlignment';
import { PrecompiledCharsmap } from './precompiledCharsmap';
import { withStage } from '../stage';

/** A normalizer as tokenizer.json writes it. */
export interface NormalizerJson {
  type?: string;
  [key: string]: unknown;
}

type Step = (run: CharRun) => CharRun;

/** The normalizer types this module handles (`Sequence` of them included). */
export const SENTENCE_PIECE_NORMALIZERS = ['Precompiled', 'Replace', 'Strip'] as const;

/** Throws `Error` naming the part it cannot apply exactly. */
export function sentencePieceNormalizer(
  json: NormalizerJson | null | undefined,
): (text: string, start: number, end: number) => AlignedText {
  const steps = json ? stepsOf(json) : [];
  if (steps.length === 0) return identityAligned;
  return (text, start, end) =>
    fromCharRun(
      steps.reduce((run, step) => step(run), toCharRun(identityAligned(text, start, end))),
    );
}

function stepsOf(json: NormalizerJson): Step[] {
  switch (json.type) {
    case 'Sequence': {
      const parts = Array.isArray(json.normalizers) ? (json.normalizers as NormalizerJson[]) : [];
      return parts.flatMap(stepsOf);
    }
    case 'Precompiled':
      // A null or empty charsmap maps nothing (the native library cannot even load a null one).
      if (json.precompiled_charsmap === null || json.precompiled_charsmap === '') return [];
      if (typeof json.precompiled_charsmap !== 'string')
        throw new Error('Precompiled normalizer without a charsmap string');
      return [precompiledStep(PrecompiledCharsmap.fromBase64(json.precompiled_charsmap))];
    case 'Replace':
      return [replaceStep(json)];
    case 'Strip':
      return [stripStep(json.left !== false, json.right !== false)];
    default:
      throw new Error(`normalizer ${String(json.type)}`);
  }
}

function replaceStep(json: NormalizerJson): Step {
  const pattern = json.pattern as { String?: unknown; Regex?: unknown } | undefined;
  const content = json.content;
  if (typeof content !== 'string' || !pattern)
    throw new Error('Replace normalizer without pattern/content');
  let regex: RegExp;
  if (typeof pattern.String === 'string') regex = new RegExp(escapeRegExp(pattern.String), 'gu');
  else if (typeof pattern.Regex === 'string') {
    try {
      regex = new RegExp(pattern.Regex, 'gu');
    } catch {
      throw new Error(`Replace normalizer regex ${JSON.stringify(pattern.Regex)}`);
    }
  } else throw new Error('Replace normalizer without a String or Regex pattern');
  // A file-supplied regex can backtrack for ever: the host's watchdog names it (stage.ts).
  const label = `tokenizer.json: normalizer Replace pattern ${JSON.stringify(pattern.Regex ?? pattern.String)}`;
  return (run) =>
    withStage({ label, kind: 'text', tokens: run.chars.length }, () =>
      replaceAligned(run, regex, content),
    );
}

/** Rust's `char::is_whitespace` (White_Space property). */
const WHITE_SPACE = /^\p{White_Space}$/u;

function stripStep(left: boolean, right: boolean): Step {
  return (run) => {
    let from = 0;
    let to = run.chars.length;
    while (left && from < to && WHITE_SPACE.test(run.chars[from]!)) from++;
    while (right && to > from && WHITE_SPACE.test(run.chars[to - 1]!)) to--;
    return {
      chars: run.chars.slice(from, to),
      starts: run.starts.slice(from, to),
      ends: run.ends.slice(from, to),
    };
  };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const utf8 = new TextEncoder();

/**
 * The reference's Precompiled normalizer: a grapheme cluster shorter than 6 UTF-8 bytes is
 * looked up whole; otherwise (or when the whole is not in the map) each of its characters.
 */
function precompiledStep(map: PrecompiledCharsmap): Step {
  return (run) => {
    const text = run.chars.join('');
    const changes: Change[] = [];
    let modified = false;
    for (const { segment } of graphemes.segment(text)) {
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
    return modified ? transformRange(run, 0, run.chars.length, changes) : run;
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
