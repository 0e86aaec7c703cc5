import assert from 'node:assert/strict';
import { wordGroups } from '../../../src/shared/wordGroups';
import type { Token } from '../../../src/engine/types';
import { tokensOf } from './tokensOf';

describe('wordGroups', () => {
  it('merges identifier pieces and keeps punctuation, spaces and specials apart', () => {
    const { tokens, text } = tokensOf([
      null,
      'const',
      ' get',
      'User',
      'Name',
      ' =',
      ' (',
      '(',
      'x_',
      '1',
      '))',
    ]);
    assert.deepEqual(wordGroups(tokens, text), [[0], [1], [2, 3, 4], [5], [6], [7], [8, 9], [10]]);
  });

  it('does not merge across whitespace even when offsets touch', () => {
    const { tokens, text } = tokensOf(['foo', ' ', 'bar', '\n', 'baz']);
    assert.deepEqual(wordGroups(tokens, text), [[0], [1], [2], [3], [4]]);
  });

  it('merges byte pieces that share one character', () => {
    const text = 'a é';
    const tokens: Token[] = [
      { id: 1, text: 'a', start: 0, end: 1, special: false },
      { id: 2, text: 'Ġ\u00c3', start: 1, end: 3, special: false, partial: true },
      { id: 3, text: '\u00a9', start: 2, end: 3, special: false, partial: true },
    ];
    assert.deepEqual(wordGroups(tokens, text), [[0], [1, 2]]);
  });

  it('merges letters of non-Latin words', () => {
    const { tokens, text } = tokensOf(['Grüß', 'e', ' δια', 'φορά']);
    assert.deepEqual(wordGroups(tokens, text), [
      [0, 1],
      [2, 3],
    ]);
  });
});
