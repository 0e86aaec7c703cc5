/** Readable labels for tokens and words, from the source text they cover. */
import type { Token } from '../engine/types';

const VISIBLE_WHITESPACE: Record<string, string> = { ' ': '·', '\n': '↵', '\r': '', '\t': '→' };

/**
 * The label of a unit (token indices): the source text it covers with surrounding
 * whitespace trimmed, or whitespace made visible when that is all it holds; special tokens
 * (no source range) use their vocabulary spelling.
 */
export function unitLabel(unit: readonly number[], tokens: readonly Token[], text: string): string {
  const first = tokens[unit[0]];
  const last = tokens[unit[unit.length - 1]];
  if (first.end <= first.start) return first.text;
  const covered = text.slice(first.start, last.end);
  const trimmed = covered.trim();
  if (trimmed) return trimmed.replace(/\s+/g, ' ');
  return [...covered].map((c) => VISIBLE_WHITESPACE[c] ?? c).join('');
}
