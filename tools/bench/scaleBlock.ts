/**
 * Where the scale benchmark writes in docs/performance.md: the block between
 * `<!-- scale:start -->` and `<!-- scale:end -->`, replaced on each run. Within it each part
 * (`--parts`) stands between markers of its own, so that a run of some parts keeps the last
 * tables of the others instead of dropping them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SCALE_PARTS = ['cli', 'memory'] as const;
export type ScalePart = (typeof SCALE_PARTS)[number];
/** Each part's text, its markers included, as `markedPart` writes it. */
export type ScaleParts = Partial<Record<ScalePart, string>>;

const START = '<!-- scale:start -->';
const END = '<!-- scale:end -->';
const partStart = (part: ScalePart): string => `<!-- scale:${part}:start -->`;
const partEnd = (part: ScalePart): string => `<!-- scale:${part}:end -->`;

/** A part's Markdown between its markers (blank lines around, so tables end before them). */
export function markedPart(part: ScalePart, lines: string[]): string {
  return [partStart(part), '', ...lines, '', partEnd(part)].join('\n');
}

/** Where `start` … `end` stand in `text` (end past `end`), or undefined. */
function span(text: string, start: string, end: string): [number, number] | undefined {
  const at = text.indexOf(start);
  const to = at >= 0 ? text.indexOf(end, at + start.length) : -1;
  return to >= 0 ? [at, to + end.length] : undefined;
}

/** The marked parts in the scale block of a document's text (none where it has no block). */
export function partsOf(doc: string): ScaleParts {
  const block = span(doc, START, END);
  const text = block ? doc.slice(...block) : '';
  const parts: ScaleParts = {};
  for (const part of SCALE_PARTS) {
    const at = span(text, partStart(part), partEnd(part));
    if (at) parts[part] = text.slice(...at);
  }
  return parts;
}

/** The document's text, or '' where it does not exist yet. */
export function readDoc(doc: string): string {
  return existsSync(doc) ? readFileSync(doc, 'utf8') : '';
}

/** Replaces the marked section of `doc` (appends it the first time). */
export function writeSection(doc: string, section: string): void {
  const text = readDoc(doc);
  const block = `${START}\n${section}\n${END}`;
  const at = span(text, START, END);
  writeFileSync(
    doc,
    at ? text.slice(0, at[0]) + block + text.slice(at[1]) : `${text.trimEnd()}\n\n${block}\n`,
  );
}
