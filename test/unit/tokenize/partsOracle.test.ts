/**
 * Every normalizer and pre-tokenizer part, composed as tokenizer.json files can compose them,
 * agrees with the native `tokenizers` package (ids and UTF-16 offsets): GPT-2's real
 * vocabulary and merges behind each combination, on the hostile strings, 1,000 random
 * strings and every code point of the Basic Multilingual Plane. (The family files in
 * families.test.ts cover the shapes releases use; these cover the rest of each part.)
 */
import fc from 'fast-check';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { createTokenizer, type TextTokenizer } from '../../../src/engine/tokenize/createTokenizer';
import { HOSTILE_STRINGS } from './hostileStrings';
import { readJson, assertSameTokens, bmpBlocks } from './oracle';

const BYTES = { type: 'ByteLevel', add_prefix_space: false, use_regex: false, trim_offsets: false };
const split = (pattern: object, behavior: string, invert = false) => ({
  type: 'Split',
  pattern,
  behavior,
  invert,
});
const sequence = (...pretokenizers: object[]) => ({ type: 'Sequence', pretokenizers });
const normalizers = (...parts: object[]) => ({ type: 'Sequence', normalizers: parts });

const CL100K =
  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** name → [normalizer, pre_tokenizer] around GPT-2's byte-level BPE. */
const SHAPES: Record<string, [object | null, object]> = {
  'cl100k regex, NFD': [{ type: 'NFD' }, sequence(split({ Regex: CL100K }, 'Isolated'), BYTES)],
  'Whitespace, NFKC': [{ type: 'NFKC' }, sequence({ type: 'Whitespace' }, BYTES)],
  'WhitespaceSplit + Punctuation (contiguous), NFKD + Lowercase + StripAccents': [
    normalizers({ type: 'NFKD' }, { type: 'Lowercase' }, { type: 'StripAccents' }),
    sequence({ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Contiguous' }, BYTES),
  ],
  'Split String " " MergedWithPrevious, Strip + Replace regex': [
    normalizers(
      { type: 'Strip', strip_left: true, strip_right: true },
      { type: 'Replace', pattern: { Regex: '\\s{2,}' }, content: '  ' },
    ),
    sequence(split({ String: ' ' }, 'MergedWithPrevious'), BYTES),
  ],
  'Split MergedWithNext, inverted Removed, Digits grouped': [
    { type: 'Prepend', prepend: '>' },
    sequence(
      split({ Regex: '[.,;:!?]' }, 'MergedWithNext'),
      split({ Regex: '\\s+' }, 'Removed', true),
      { type: 'Digits', individual_digits: false },
      BYTES,
    ),
  ],
  'Split Contiguous (invert), BertPreTokenizer': [
    { type: 'NFC' },
    sequence(split({ Regex: '\\p{Lu}' }, 'Contiguous', true), { type: 'BertPreTokenizer' }, BYTES),
  ],
  'ByteLevel with add_prefix_space and its regex': [
    null,
    { type: 'ByteLevel', add_prefix_space: true, use_regex: true, trim_offsets: false },
  ],
  'Metaspace (always, split) before ByteLevel': [
    null,
    sequence({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }, BYTES),
  ],
  'Metaspace (never, no split), Lowercase': [
    { type: 'Lowercase' },
    sequence({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'never', split: false }, BYTES),
  ],
};

const randomText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 16 }),
      fc.string({ unit: 'grapheme', maxLength: 16 }),
      fc.string({
        unit: fc.constantFrom(
          'a',
          'Z',
          'É',
          'e\u0301',
          '\u0323\u0302',
          'ﬁ',
          '①',
          'İ',
          'ß',
          'Σ',
          'ſ',
          ' ',
          '   ',
          '\t',
          '\r\n',
          '\n',
          '😀',
          '👩‍💻',
          '東',
          '\u1100\u1161\u11a8',
          '12',
          '3456',
          "'S",
          "'ll",
          '.',
          ',;',
          '!?',
          '▁',
          '\u00a0',
          '\u3000',
          '<|endoftext|>',
          'x = f(y);',
        ),
        maxLength: 16,
      }),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));

const gpt2 = readJson('gpt2', 'tokenizer.json') as Record<string, unknown>;

for (const [name, [normalizer, preTokenizer]] of Object.entries(SHAPES)) {
  describe(`tokenizer parts agree with the reference: ${name}`, () => {
    const json = { ...gpt2, normalizer, pre_tokenizer: preTokenizer, post_processor: null };
    const native = NativeTokenizer.fromString(JSON.stringify(json));
    let ours: TextTokenizer;
    before(() => {
      ours = createTokenizer(json);
    });

    for (const [label, text] of Object.entries(HOSTILE_STRINGS)) {
      it(`hostile: ${label}`, async () => {
        await assertSameTokens(native, ours, text);
      });
    }

    it('fast-check: 1,000 random strings', async () => {
      await fc.assert(
        fc.asyncProperty(randomText, async (text) => {
          await assertSameTokens(native, ours, text);
        }),
        { numRuns: 1_000 },
      );
    });

    it('every code point of the Basic Multilingual Plane (a space after every 7th)', async () => {
      for (const [block, text] of bmpBlocks(0x2000)) {
        await assertSameTokens(native, ours, text, `block U+${block.toString(16)}`);
      }
    });
  });
}
