/**
 * Pattern targets read from the characters under the tokens (brackets and quotes, line
 * starts, identifiers, regexes): a query token's targets are the earlier tokens of the
 * window that hold the matching characters. Offsets are UTF-16 units of the file.
 */
import type { Token } from '../types';

/** A window's tokens (special tokens included, in place) and the file they index. */
export interface WindowTokens {
  text: string;
  tokens: readonly Token[];
}

/** Per query token, its target key tokens (empty: the query does not count). */
export type Targets = number[][];

const OPEN = '([{';
const CLOSE = ')]}';
const QUOTES = '"\'`';

/** The first and last character offset the window's text tokens cover. */
function span(w: WindowTokens): { from: number; to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const t of w.tokens) {
    if (t.start === t.end) continue;
    from = Math.min(from, t.start);
    to = Math.max(to, t.end);
  }
  return from > to ? { from: 0, to: 0 } : { from, to };
}

/** The window token holding each character of `span` (-1 where none does). */
function owners(w: WindowTokens, from: number, to: number): Int32Array {
  const owner = new Int32Array(Math.max(0, to - from)).fill(-1);
  w.tokens.forEach((t, i) => {
    if (t.end > t.start) owner.fill(i, t.start - from, t.end - from);
  });
  return owner;
}

/**
 * From a closing `)`, `]` or `}` to the token holding its opening bracket (a stack over the
 * characters, strings not skipped: the model card's rule), and from a closing quote to its
 * opening quote (`"` and `'` close on the same line, `` ` `` anywhere; a backslash escapes).
 * Pairs whose two characters lie in one token or in neighbouring tokens are left out, so a
 * previous-token head is not counted as matching.
 */
export function bracketTargets(w: WindowTokens): Targets {
  const { from, to } = span(w);
  const owner = owners(w, from, to);
  const out: Targets = w.tokens.map(() => []);
  const stack: number[] = [];
  let quote: { ch: string; at: number } | undefined;
  const pair = (close: number, open: number) => {
    const [q, k] = [owner[close - from], owner[open - from]];
    // A token may close two pairs (`])`): each of its openings is a target.
    if (k >= 0 && q > k + 1 && !out[q].includes(k)) out[q].push(k);
  };
  for (let c = from; c < to; c++) {
    const ch = w.text[c];
    if (quote) {
      if (ch === '\\') c++;
      else if (ch === quote.ch) {
        pair(c, quote.at);
        quote = undefined;
      } else if (ch === '\n' && quote.ch !== '`') quote = undefined;
      continue;
    }
    if (QUOTES.includes(ch)) quote = { ch, at: c };
    else if (OPEN.includes(ch)) stack.push(c);
    else if (CLOSE.includes(ch)) {
      const o = stack.pop();
      if (o !== undefined && OPEN.indexOf(w.text[o]) === CLOSE.indexOf(ch)) pair(c, o);
    }
  }
  return out;
}

/**
 * To the token holding the newline that began the query's line, when that is neither the
 * query nor the token just before it (the model card's rule). Queries holding a newline
 * themselves are left out.
 */
export function lineStartTargets(w: WindowTokens): Targets {
  const { from, to } = span(w);
  const owner = owners(w, from, to);
  return w.tokens.map((t, i) => {
    if (t.start === t.end || w.text.slice(t.start, t.end).includes('\n')) return [];
    const nl = w.text.lastIndexOf('\n', t.start - 1);
    const k = nl >= from ? owner[nl - from] : -1;
    return k >= 0 && k < i - 1 ? [k] : [];
  });
}

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/g;

/**
 * From the token that completes an identifier (holds its last character) to every token of
 * the identifier's earlier occurrences in the window, but the token just before the query.
 */
export function identifierTargets(w: WindowTokens): Targets {
  const { from, to } = span(w);
  const owner = owners(w, from, to);
  const out: Targets = w.tokens.map(() => []);
  const seen = new Map<string, Set<number>>();
  const body = w.text.slice(from, to);
  for (const m of body.matchAll(IDENTIFIER)) {
    const first = owner[m.index];
    const last = owner[m.index + m[0].length - 1];
    if (first < 0 || last < 0) continue;
    const earlier = seen.get(m[0]);
    if (earlier) out[last] = [...earlier].filter((k) => k < last - 1 && k < first);
    const mine = earlier ?? new Set<number>();
    for (let t = first; t <= last; t++) mine.add(t);
    seen.set(m[0], mine);
  }
  return out;
}

/** The window tokens that overlap a (non-empty) match of `pattern` (a global regex). */
export function tokensMatching(w: WindowTokens, pattern: RegExp): Set<number> {
  const { from, to } = span(w);
  const owner = owners(w, from, to);
  const found = new Set<number>();
  const body = w.text.slice(from, to);
  pattern.lastIndex = 0;
  for (const m of body.matchAll(pattern)) {
    for (let c = m.index; c < m.index + m[0].length; c++) {
      const t = owner[c];
      if (t >= 0) found.add(t);
    }
  }
  return found;
}

/** From every token matching `fromRe` to every earlier token matching `toRe`. */
export function customTargets(w: WindowTokens, fromRe: RegExp, toRe: RegExp): Targets {
  const queries = tokensMatching(w, fromRe);
  const keys = [...tokensMatching(w, toRe)].sort((a, b) => a - b);
  return w.tokens.map((_, i) => (queries.has(i) ? keys.filter((k) => k < i) : []));
}
