/**
 * Pure helpers behind the editor mirror: which token a text offset falls in, which tokens a
 * row of attention weights picks out, which edits make a result stale. Offsets are UTF-16
 * code units into the inspected text, as in `Token.start`/`end`. No `vscode`, for unit tests.
 */
import type { SliceWeights, Token } from '../engine/types';
import { topK } from '../shared/topK';

/** One attended token: its index and the weight it receives. */
export interface Attended {
  index: number;
  weight: number;
}

/** Which attention a row is read from: one head, the mean of a layer's heads, or of all. */
export type RowSource = { layer: number; head: number | null } | 'all';

/**
 * The token under `offset`: the one whose range holds it, else the one ending exactly there
 * (a cursor just after a word). Special tokens have no source and are never returned.
 */
export function tokenAt(tokens: readonly Token[], offset: number): number | null {
  // Last token starting at or before offset: tokens are in text order.
  let low = 0;
  let high = tokens.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (tokens[mid].start <= offset) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  let endingHere: number | null = null;
  for (let i = found; i >= 0; i--) {
    const token = tokens[i];
    if (token.special || token.start === token.end) continue;
    if (offset < token.end) {
      // Partial byte-level tokens share one character's range: report the first of them.
      let first = i;
      while (first > 0 && tokens[first - 1].start === token.start && !tokens[first - 1].special)
        first--;
      return first;
    }
    if (offset === token.end) endingHere = i;
    break;
  }
  return endingHere;
}

/** The `k` largest weights, largest first, among tokens `eligible` accepts; zeros skipped. */
export function topAttended(
  weights: ArrayLike<number>,
  k: number,
  eligible: (index: number) => boolean = () => true,
): Attended[] {
  const candidates = Float32Array.from(weights, (weight, index) => (eligible(index) ? weight : 0));
  return topK(candidates, k).map((index) => ({ index, weight: weights[index] }));
}

/** How a row source is described to people. */
export function describeRowSource(source: RowSource): string {
  if (source === 'all') return 'mean of all layers and heads';
  return source.head === null
    ? `layer ${source.layer}, mean of heads`
    : `layer ${source.layer} head ${source.head}`;
}

/**
 * How the editor names what it lists and shades: attention weights, or value-weighted row
 * shares when the panel's Weights switch shows those (issue 24, webview/valueWeighted.ts).
 */
export function weightsWording(weights: SliceWeights): {
  heading: string;
  column: string;
  suffix: string;
} {
  return weights === 'value-weighted'
    ? {
        heading: 'Value-weighted attention from',
        column: 'value-weighted share',
        suffix: ' · value-weighted',
      }
    : { heading: 'Attention from', column: 'weight', suffix: '' };
}

/** Shading level 1…`levels` for `weight`, proportional to it relative to the row's largest. */
export function weightLevel(weight: number, largest: number, levels: number): number {
  if (!(largest > 0)) return 1;
  return Math.min(levels, Math.max(1, Math.ceil((weight / largest) * levels)));
}

/** An edit as `TextDocumentContentChangeEvent` describes it (offsets before the edit). */
export interface EditSpan {
  rangeOffset: number;
  rangeLength: number;
}

/**
 * Whether any edit changes the inspected text or moves it: anything starting before its end
 * does; inserting right after it, or editing later in the file, does not.
 */
export function editInvalidates(edits: readonly EditSpan[], end: number): boolean {
  return edits.some((edit) => edit.rangeOffset < end);
}

/** A text range as document offsets, `end` exclusive. */
export interface OffsetRange {
  start: number;
  end: number;
}

/**
 * Where `range` is after `edits` (one change event; offsets are those before the event),
 * so "run again" inspects the same stretch of text the user has been editing. Text typed at
 * either edge joins the range; a range deleted entirely collapses to the deletion's start.
 */
export function mapRangeThroughEdits(
  range: OffsetRange,
  edits: readonly (EditSpan & { text: string })[],
): OffsetRange {
  let { start, end } = range;
  // From the last edit to the first, so each edit's offsets are still those it was given.
  for (const edit of [...edits].sort((a, b) => b.rangeOffset - a.rangeOffset)) {
    const editEnd = edit.rangeOffset + edit.rangeLength;
    const delta = edit.text.length - edit.rangeLength;
    if (editEnd < start || (edit.rangeLength > 0 && editEnd === start)) {
      start += delta;
      end += delta;
    } else if (edit.rangeOffset <= end) {
      start = Math.min(start, edit.rangeOffset);
      end = Math.max(start, Math.max(end, editEnd) + delta);
    }
  }
  return { start, end };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** Units segmented either side of a range to find its clusters' edges (clusters are shorter). */
const GRAPHEME_WINDOW = 64;

/**
 * `[start, end)` of `text` widened to whole grapheme clusters. A token may end inside one:
 * NFC folds `e` + U+0301 into `é` and the tokenizer's offsets keep only the `e`; the editor
 * cannot draw part of a cluster (the decoration shrinks to a sliver), so it gets the whole.
 */
export function wholeGraphemes(text: string, start: number, end: number): OffsetRange {
  const from = Math.max(0, start - GRAPHEME_WINDOW);
  const to = Math.min(text.length, end + GRAPHEME_WINDOW);
  let widened = { start, end };
  for (const { index, segment } of graphemes.segment(text.slice(from, to))) {
    // CR LF is one cluster, but a line break the editor draws either side of.
    if (segment === '\r\n') continue;
    const a = from + index;
    const b = a + segment.length;
    if (a < start && start < b) widened = { ...widened, start: a };
    if (a < end && end < b) widened = { ...widened, end: b };
  }
  return widened;
}
