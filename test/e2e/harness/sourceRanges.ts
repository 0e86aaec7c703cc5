/**
 * What the editor should show, computed independently from the CLI's export: which tokens a
 * row ranks highest, where they lie in the file (line, columns), and which head links a
 * closing bracket to its opening one.
 */
import type { AttentionJson } from './cliInspect';

/** Columns on one line of the file: 1-based line, 0-based columns, end exclusive. */
export interface LineRun {
  line: number;
  start: number;
  end: number;
}

/** Token indices of the `k` largest weights among `eligible` tokens, largest first. */
export function topAttended(
  row: number[],
  k: number,
  eligible: (index: number) => boolean,
): { index: number; weight: number }[] {
  return row
    .map((weight, index) => ({ index, weight }))
    .filter(({ index, weight }) => weight > 0 && eligible(index))
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .slice(0, k);
}

/** The file range [start, end) as runs per line (a token may span a line break). */
export function lineRuns(text: string, start: number, end: number): LineRun[] {
  const runs: LineRun[] = [];
  let line = text.slice(0, start).split('\n').length;
  let lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let from = start;
  while (from < end) {
    const lineEnd = text.indexOf('\n', from);
    const to = lineEnd === -1 || lineEnd >= end ? end : lineEnd;
    if (to > from) runs.push({ line, start: from - lineStart, end: to - lineStart });
    if (to === end) break;
    from = lineEnd + 1;
    lineStart = from;
    line++;
  }
  return runs;
}

/** A single-line range as a run (the focused token, a bracket). */
export function lineColumn(text: string, start: number, end: number): LineRun {
  const runs = lineRuns(text, start, end);
  if (runs.length !== 1) throw new Error(`range ${start}–${end} is not on one line`);
  return runs[0];
}

/** Tokens that have source characters (special tokens have none). */
const hasSource = (doc: AttentionJson) => (i: number) =>
  !doc.tokens[i].special && doc.tokens[i].end > doc.tokens[i].start;

/** The runs the editor should shade for a focused query whose (shown) row is `row`. */
export function expectedHighlights(
  doc: AttentionJson,
  row: number[],
  k: number,
  base: number,
  fileText: string,
): { attended: LineRun[] } {
  // The panel keeps the top k of all tokens; those without source (the sink token a
  // trained model attends to most) are simply not drawn in the editor.
  const top = topAttended(row, k, () => true).filter(({ index }) => hasSource(doc)(index));
  const attended = top.flatMap(({ index }) =>
    lineRuns(fileText, base + doc.tokens[index].start, base + doc.tokens[index].end),
  );
  return { attended };
}

const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** A closing bracket token, its opening bracket, and the head that links them most. */
export interface BracketLink {
  close: number;
  open: number;
  layer: number;
  head: number;
  weight: number;
}

/**
 * Matches brackets in the inspected text (tokens whose text is exactly one bracket) and
 * returns the (pair, layer, head) where the closing bracket's row ranks the opening bracket in
 * its top `k` with the largest weight; undefined when no head does.
 */
export function bracketPair(doc: AttentionJson, k: number): BracketLink | undefined {
  const stack: number[] = [];
  const pairs: [number, number][] = [];
  const textOf = (i: number) => doc.text.slice(doc.tokens[i].start, doc.tokens[i].end).trim();
  doc.tokens.forEach((token, i) => {
    const text = textOf(i);
    if (token.special || text.length !== 1) return;
    if ('([{'.includes(text)) stack.push(i);
    const open = stack.at(-1);
    if (PAIRS[text] && open !== undefined && textOf(open) === PAIRS[text]) {
      pairs.push([open, i]);
      stack.pop();
    }
  });
  let best: BracketLink | undefined;
  doc.attentions.forEach((heads, layer) => {
    heads.forEach((matrix, head) => {
      for (const [open, close] of pairs) {
        const row = matrix[close];
        const ranked = topAttended(row, k, hasSource(doc)).some(({ index }) => index === open);
        if (ranked && (!best || row[open] > best.weight)) {
          best = { close, open, layer, head, weight: row[open] };
        }
      }
    });
  });
  return best;
}
