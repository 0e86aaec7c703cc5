/**
 * The offset rules of docs/tokenizer-offsets.md, each tested on its own, and the invariants
 * every tokenization must keep (checked over random strings).
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Token } from '../../../src/engine/types';
import { ourTokenizer } from './oracle';

const gpt2 = (text: string): Token[] => ourTokenizer('gpt2').tokenize(text);
const bert = (text: string): Token[] => ourTokenizer('bert-uncased-minilm').tokenize(text);
const spans = (tokens: Token[]): [string, number, number, boolean][] =>
  tokens.map((t) => [t.text, t.start, t.end, t.partial === true]);

describe('tokenizer offset rules', () => {
  it('byte-level: tokens holding part of a character get its whole range, flagged partial', () => {
    // 😀 is F0 9F 98 80 in UTF-8 and two UTF-16 units; GPT-2 splits it into two tokens.
    assert.deepEqual(spans(gpt2('😀')), [
      ['ðŁĺ', 0, 2, true],
      ['Ģ', 0, 2, true],
    ]);
    // A token that ends one character and holds all of the next one covers both.
    assert.deepEqual(spans(gpt2('x東京')), [
      ['x', 0, 1, false],
      ['æĿ', 1, 2, true],
      ['±', 1, 2, true],
      ['äº', 2, 3, true],
      ['¬', 2, 3, true],
    ]);
    // Whole characters in one token are not partial, whatever their byte count.
    assert.deepEqual(spans(gpt2('é')), [['Ã©', 0, 1, false]]);
  });

  it('byte-level: a lone surrogate is tokenized as U+FFFD and keeps its one-unit range', () => {
    assert.deepEqual(spans(gpt2('a\ud800b')), [
      ['a', 0, 1, false],
      ['ï¿½', 1, 2, false],
      ['b', 2, 3, false],
    ]);
  });

  it('byte-level: a space before a word belongs to the word; CR, LF and tab are tokens', () => {
    assert.deepEqual(spans(gpt2('a b\r\n\tc  d')), [
      ['a', 0, 1, false],
      ['Ġb', 1, 3, false],
      ['č', 3, 4, false],
      ['Ċ', 4, 5, false],
      ['ĉ', 5, 6, false],
      ['c', 6, 7, false],
      ['Ġ', 7, 8, false],
      ['Ġd', 8, 10, false],
    ]);
  });

  it('WordPiece: normalized characters map back to the characters they came from', () => {
    // Accents stripped, lowercased, NFD of a precomposed letter: offsets stay on the source.
    // A stripped mark inside a token is covered by it; one at its end is not.
    assert.deepEqual(spans(bert('CAFÉ Cafe\u0301 Cafe\u0301s')), [
      ['cafe', 0, 4, false],
      ['cafe', 5, 9, false],
      ['cafes', 11, 17, false],
    ]);
    // `##` pieces cover only their own characters.
    assert.deepEqual(spans(bert('Tokenizing')), [
      ['token', 0, 5, false],
      ['##izing', 5, 10, false],
    ]);
  });

  it('WordPiece: [UNK] covers its whole word; removed characters count inside tokens only', () => {
    assert.deepEqual(spans(bert('a 👨‍👩‍👧 b')), [
      ['a', 0, 1, false],
      ['[UNK]', 2, 10, false],
      ['b', 11, 12, false],
    ]);
    // U+0000 and U+200B are removed by clean-up; the word around them keeps its full range.
    assert.deepEqual(spans(bert('\u0000ca\u200bt ')), [['cat', 1, 5, false]]);
  });

  it('WordPiece: CJK characters become words of their own, astral ones included', () => {
    assert.deepEqual(
      spans(bert('東京𠀀x')).map(([t, s, e]) => [t, s, e]),
      [
        ['東', 0, 1],
        ['京', 1, 2],
        ['[UNK]', 2, 4],
        ['x', 4, 5],
      ],
    );
  });

  it('WordPiece: reordered combining marks take the range of the position they move to', () => {
    // U+1B44 (class 9) moves before U+0345 and U+0301 (classes 240, 230), which are then
    // stripped; like the reference, the survivor takes the range of the first position.
    assert.deepEqual(spans(bert('q\u0345\u0301\u1b44')), [['[UNK]', 0, 2, false]]);
  });

  it('added tokens typed in the text are single tokens with a source range, not special', () => {
    const tokens = gpt2('a<|endoftext|>b');
    assert.deepEqual(spans(tokens)[1], ['<|endoftext|>', 1, 14, false]);
    assert.equal(tokens[1]!.id, 50256);
    assert.ok(tokens.every((t) => t.special === false));
  });
});

describe('tokenizer invariants over random text', () => {
  const text = fc.string({ unit: 'binary', maxLength: 40 });

  it('every token lies inside the text, in order; non-partial tokens never overlap', () => {
    for (const tokenize of [gpt2, bert]) {
      fc.assert(
        fc.property(text, (s) => {
          let prev: Token | undefined;
          for (const t of tokenize(s)) {
            assert.ok(0 <= t.start && t.start < t.end && t.end <= s.length);
            if (prev) {
              assert.ok(t.start >= prev.start && t.end >= prev.end);
              if (!t.partial && !prev.partial) assert.ok(t.start >= prev.end);
            }
            prev = t;
          }
        }),
        { numRuns: 2000 },
      );
    }
  });

  it('byte-level: partial tokens share one character; whole tokens spell their slice', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(text, (s) => {
        const tokenizer = ourTokenizer('gpt2');
        for (const t of tokenizer.tokenize(s)) {
          const slice = s.slice(t.start, t.end).replace(/\p{Cs}/gu, '\ufffd');
          if (!t.partial) {
            assert.equal(tokenizer.decode([t.id]), slice);
          } else {
            // Byte-level token texts spell one byte per UTF-16 unit.
            assert.ok(
              t.text.length < encoder.encode(slice).length,
              'a partial token holds fewer bytes',
            );
          }
        }
        assert.equal(
          tokenizer.decode(tokenizer.tokenize(s).map((t) => t.id)),
          s.replace(/\p{Cs}/gu, '\ufffd'),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
