/**
 * Splitting a piece of aligned text as the reference's `NormalizedString::split` does: the
 * pattern's matches and the stretches between them, then the delimiter behaviour decides
 * what is kept and what is merged. Pieces are views (subarrays) of the text they came from.
 */
import type { AlignedText } from '../../alignedText';
import { fileError } from '../fileError';

/** [from, to) in UTF-16 units of the piece, and whether it is a match of the pattern. */
export type Stretch = [from: number, to: number, isMatch: boolean];

export const BEHAVIOURS = [
  'Removed',
  'Isolated',
  'MergedWithPrevious',
  'MergedWithNext',
  'Contiguous',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

export function behaviourAt(value: unknown, field: string, fallback: Behaviour): Behaviour {
  const behaviour = value ?? fallback;
  if (!BEHAVIOURS.includes(behaviour as Behaviour)) {
    throw fileError(
      field,
      `${JSON.stringify(behaviour)} is not a split behaviour (${BEHAVIOURS.join(', ')})`,
    );
  }
  return behaviour as Behaviour;
}

export function sliceAligned(piece: AlignedText, from: number, to: number): AlignedText {
  return {
    text: piece.text.slice(from, to),
    starts: piece.starts.subarray(from, to),
    ends: piece.ends.subarray(from, to),
  };
}

/** The matches of a global regex and the stretches between them, covering `text`. */
export function regexStretches(text: string, regex: RegExp): Stretch[] {
  const out: Stretch[] = [];
  let previous = 0;
  for (const m of text.matchAll(regex)) {
    if (m[0].length === 0) continue;
    if (m.index > previous) out.push([previous, m.index, false]);
    out.push([m.index, m.index + m[0].length, true]);
    previous = m.index + m[0].length;
  }
  if (previous < text.length) out.push([previous, text.length, false]);
  return out;
}

/** Each code point `test` accepts is a match of its own. */
export function charStretches(text: string, test: (cp: number) => boolean): Stretch[] {
  const out: Stretch[] = [];
  let previous = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const next = i + (cp > 0xffff ? 2 : 1);
    if (test(cp)) {
      if (i > previous) out.push([previous, i, false]);
      out.push([i, next, true]);
      previous = next;
    }
    i = next;
  }
  if (previous < text.length) out.push([previous, text.length, false]);
  return out;
}

/** The pieces `behaviour` makes of `stretches` (`invert` swaps matches and the rest). */
export function splitPiece(
  piece: AlignedText,
  stretches: Stretch[],
  behaviour: Behaviour,
  invert = false,
): AlignedText[] {
  const marked = invert ? stretches.map(([a, b, m]): Stretch => [a, b, !m]) : stretches;
  const kept: [number, number][] = [];
  let previousMatch = false;
  switch (behaviour) {
    case 'Isolated':
      for (const [a, b] of marked) kept.push([a, b]);
      break;
    case 'Removed':
      for (const [a, b, m] of marked) if (!m) kept.push([a, b]);
      break;
    case 'Contiguous':
      for (const [a, b, m] of marked) {
        if (m === previousMatch && kept.length > 0) kept[kept.length - 1]![1] = b;
        else kept.push([a, b]);
        previousMatch = m;
      }
      break;
    case 'MergedWithPrevious':
      for (const [a, b, m] of marked) {
        if (m && !previousMatch && kept.length > 0) kept[kept.length - 1]![1] = b;
        else kept.push([a, b]);
        previousMatch = m;
      }
      break;
    case 'MergedWithNext':
      for (let i = marked.length - 1; i >= 0; i--) {
        const [a, b, m] = marked[i]!;
        if (m && !previousMatch && kept.length > 0) kept[kept.length - 1]![0] = a;
        else kept.push([a, b]);
        previousMatch = m;
      }
      kept.reverse();
      break;
  }
  return kept.filter(([a, b]) => b > a).map(([a, b]) => sliceAligned(piece, a, b));
}
