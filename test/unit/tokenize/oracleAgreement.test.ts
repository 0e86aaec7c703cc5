/**
 * Ids and offsets agree with the native `tokenizers` package, the reference, on the real GPT-2
 * and BERT-uncased files: on hand-picked hostile strings, on 10,000 random strings per
 * tokenizer, and on one text holding every Unicode scalar value.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HOSTILE_STRINGS } from './hostileStrings';
import {
  FOLDERS,
  nativeTokenizer,
  ourTokenizer,
  ourTokens,
  referenceTokens,
  assertSameTokens,
} from './oracle';
import { allScalarValues } from './nativeUnicodeProbe';

/** Random texts: any code point (lone surrogates and controls included), graphemes, and a
 * weighted alphabet of the characters that matter most to tokenizers. */
const randomText = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
      {
        weight: 3,
        arbitrary: fc.string({
          unit: fc.constantFrom(
            'a',
            'Z',
            'é',
            'e',
            '\u0301',
            '\u0345',
            '\u1b44',
            ' ',
            '  ',
            '\t',
            '\r\n',
            '\n',
            '😀',
            '\u200d',
            '👨',
            '🏽',
            '東',
            '𠀀',
            'ا',
            'ש',
            '\u0000',
            '\ud800',
            '\udc00',
            '#',
            '.',
            "'s",
            'İ',
            'ß',
            'Σ',
            '\u00ad',
            '\u2028',
            '\u0085',
            '\u3000',
            '\ufeff',
            '1',
            '[CLS]',
            '<|endoftext|>',
            'x = f(y);',
          ),
          maxLength: 20,
        }),
      },
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));

for (const folder of FOLDERS) {
  describe(`tokenizer offsets agree with the reference: ${folder}`, () => {
    const native = nativeTokenizer(folder);
    const ours = ourTokenizer(folder);

    for (const [name, text] of Object.entries(HOSTILE_STRINGS)) {
      it(`hostile: ${name}`, async () => {
        await assertSameTokens(native, ours, text);
      });
    }

    it('fast-check: 10,000 random strings, same ids and offsets', async () => {
      await fc.assert(
        fc.asyncProperty(randomText, async (text) => {
          await assertSameTokens(native, ours, text);
        }),
        { numRuns: 10_000 },
      );
    });
  });
}

describe('tokenizer offsets agree with the reference on every code point', () => {
  const everything = allScalarValues()
    .map((cp) => String.fromCodePoint(cp))
    .join('');

  it('bert-uncased-minilm: one text of all 1,112,064 scalar values', async () => {
    const [expected] = await referenceTokens(nativeTokenizer('bert-uncased-minilm'), [everything]);
    assert.deepEqual(ourTokens(ourTokenizer('bert-uncased-minilm'), everything), expected);
  });

  it('gpt2: the Basic Multilingual Plane, and every 17th astral code point', async () => {
    const cps = allScalarValues().filter((cp) => cp < 0x10000 || cp % 17 === 0);
    const text = cps.map((cp) => String.fromCodePoint(cp)).join('');
    const [expected] = await referenceTokens(nativeTokenizer('gpt2'), [text]);
    assert.deepEqual(ourTokens(ourTokenizer('gpt2'), text), expected);
  });
});
