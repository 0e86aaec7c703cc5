/**
 * Token ranges the editor draws are widened to whole grapheme clusters: the native tokenizer
 * gives an NFC-folded `e` + U+0301 the offsets of the `e` alone, and a byte-level token may
 * hold one code point of an emoji ZWJ sequence; VS Code cannot draw part of a cluster.
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { wholeGraphemes } from '../../../src/editor/tokenMath';

describe('wholeGraphemes: token ranges widened to grapheme clusters', () => {
  it('keeps a range of whole clusters as it is', () => {
    assert.deepEqual(wholeGraphemes('def café(x)', 4, 8), { start: 4, end: 8 });
    assert.deepEqual(wholeGraphemes('ŋ x', 0, 1), { start: 0, end: 1 });
  });

  it('takes the combining acute with the e the tokenizer kept (NFC)', () => {
    const text = 'Cafe\u0301 au lait';
    assert.deepEqual(wholeGraphemes(text, 3, 4), { start: 3, end: 5 });
    assert.deepEqual(wholeGraphemes(text, 4, 5), { start: 3, end: 5 });
  });

  it('takes the whole ZWJ family for a token holding one of its people', () => {
    const family = '👨‍👩‍👧';
    assert.deepEqual(wholeGraphemes(`x ${family} y`, 4, 6), { start: 2, end: 2 + family.length });
  });

  it('leaves CR LF apart: the editor draws either side of a line break', () => {
    assert.deepEqual(wholeGraphemes('a\r\nb', 1, 2), { start: 1, end: 2 });
    assert.deepEqual(wholeGraphemes('a\r\nb', 2, 3), { start: 2, end: 3 });
  });

  it('fast-check: the result holds the range and starts and ends on cluster edges', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        (text, a, b) => {
          const [start, end] = [a % (text.length + 1), b % (text.length + 1)].sort((x, y) => x - y);
          const r = wholeGraphemes(text, start, end);
          assert.ok(r.start <= start && r.end >= end);
          const edges = new Set([text.length]);
          for (const { index, segment } of segmenter.segment(text)) {
            edges.add(index);
            if (segment === '\r\n') edges.add(index + 1);
          }
          assert.ok(
            edges.has(r.start) || r.start === start,
            `start ${r.start} in ${JSON.stringify(text)}`,
          );
          assert.ok(edges.has(r.end) || r.end === end, `end ${r.end}`);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
