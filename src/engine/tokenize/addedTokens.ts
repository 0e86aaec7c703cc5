/**
 * Finds a tokenizer's added tokens (`<|endoftext|>`, `[CLS]`, ...) in text before the model
 * sees it, with the reference implementation's rules: leftmost-longest, non-overlapping
 * matches; `single_word` tokens only between non-word characters; `lstrip`/`rstrip` tokens
 * swallow the whitespace beside them (and their range covers it).
 */

import { fileError } from './parts/fileError';
import { WHITE_SPACE } from './whiteSpace';

/** An added token as `tokenizer.json` lists it. */
export interface AddedTokenSpec {
  id: number;
  content: string;
  single_word?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
  special?: boolean;
}

/** A piece of text: either an added token or a stretch the model tokenizes. */
export interface TextSection {
  start: number;
  end: number;
  /** The added token that matched this section, if any. */
  added?: AddedTokenSpec;
}

// The reference's Rust `regex` `\w` is Unicode-aware.
const WORD_CHAR = /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u;

export class AddedTokenSplitter {
  private readonly pattern: RegExp | undefined;
  private readonly byContent = new Map<string, AddedTokenSpec>();

  /** `patterns` maps the text to look for (possibly normalized) to its token. */
  constructor(patterns: Map<string, AddedTokenSpec>) {
    const contents = [...patterns.keys()].filter((c) => c.length > 0);
    for (const c of contents) this.byContent.set(c, patterns.get(c)!);
    // Longest first: JavaScript alternation is leftmost-first, the reference leftmost-longest.
    contents.sort((a, b) => b.length - a.length);
    const escaped = contents.map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    this.pattern = contents.length > 0 ? new RegExp(escaped.join('|'), 'gu') : undefined;
  }

  /** Splits `text[start, end)` into sections covering it entirely, in order. */
  split(text: string, start: number, end: number): TextSection[] {
    if (!this.pattern) return [{ start, end }];
    const sections: TextSection[] = [];
    const slice = text.slice(start, end);
    let cursor = 0;
    for (const m of slice.matchAll(this.pattern)) {
      const added = this.byContent.get(m[0])!;
      let from = m.index;
      let to = from + m[0].length;
      if (added.single_word && !isSingleWord(slice, from, to)) continue;
      if (added.lstrip) while (from > cursor && WHITE_SPACE.test(slice[from - 1]!)) from--;
      if (added.rstrip) while (to < slice.length && WHITE_SPACE.test(slice[to]!)) to++;
      if (cursor < from) sections.push({ start: start + cursor, end: start + from });
      sections.push({ start: start + from, end: start + to, added });
      cursor = to;
    }
    if (cursor < slice.length) sections.push({ start: start + cursor, end });
    return sections;
  }
}

function isSingleWord(text: string, from: number, to: number): boolean {
  const hasPairBefore =
    from > 1 && /[\ud800-\udbff][\udc00-\udfff]/.test(text.slice(from - 2, from));
  const before = text.slice(hasPairBefore ? from - 2 : from - 1, from);
  const after = to < text.length ? String.fromCodePoint(text.codePointAt(to)!) : '';
  return !WORD_CHAR.test(before) && !WORD_CHAR.test(after);
}

/** `added_tokens`, checked: each has string content and an integer id ≥ 0. */
export function addedTokensAt(value: unknown): AddedTokenSpec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fileError('added_tokens', 'is not a list');
  return value.map((token: unknown, i): AddedTokenSpec => {
    const spec = (token ?? {}) as Partial<AddedTokenSpec>;
    if (typeof spec.content !== 'string') {
      throw fileError(`added_tokens[${i}].content`, 'is not a string');
    }
    if (!Number.isInteger(spec.id) || spec.id! < 0 || spec.id! > 0x7fffffff) {
      throw fileError(
        `added_tokens[${i}].id`,
        `${JSON.stringify(spec.id ?? null)} (for ${JSON.stringify(spec.content)}) is not a token id (an integer ≥ 0)`,
      );
    }
    return spec as AddedTokenSpec;
  });
}
