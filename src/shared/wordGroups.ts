/**
 * Groups sub-word tokens into the words and identifiers a reader sees, from the tokens'
 * source offsets and the source text alone (no tokenizer-specific markers such as `Ġ`/`##`).
 */
import type { Token } from '../engine/types';

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;
const SPACE = /\s/u;

/**
 * Token indices per word, in order. A token continues the previous token's word when
 * neither is special and
 * - it shares a character with it (byte-level pieces of one character), or
 * - it starts exactly where the previous one ends, does not start with whitespace, and the
 *   characters on both sides of the boundary are identifier characters (letters, digits,
 *   `_`, `$`), so `getUserName` is one word but `foo(` and `((` are not.
 */
export function wordGroups(tokens: readonly Token[], text: string): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (i > 0 && continuesWord(tokens[i - 1], tokens[i], text)) groups[groups.length - 1].push(i);
    else groups.push([i]);
  }
  return groups;
}

function continuesWord(prev: Token, token: Token, text: string): boolean {
  if (prev.special || token.special || prev.end <= prev.start || token.end <= token.start) {
    return false;
  }
  if (token.start < prev.end) return true;
  if (token.start !== prev.end) return false;
  const before = text[prev.end - 1];
  const after = text[token.start];
  return !SPACE.test(after) && IDENTIFIER_CHAR.test(before) && IDENTIFIER_CHAR.test(after);
}
