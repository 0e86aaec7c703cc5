/**
 * SentencePiece Unigram tokenizers (the T5 and Marian fixtures' tokenizer.json, converted
 * from real SentencePiece models, the T5 one with its real nmt_nfkc charsmap) agree with the
 * native `tokenizers` package on ids and offsets, and the template appends `</s>` as the
 * reference's post-processor does. The Marian file's null charsmap, which the native package
 * cannot load (it aborts), is given to it as no normalizer: what the file means.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { specialTokensOf } from '../../../src/engine/folder/specialTokenTemplate';
import { createTokenizer } from '../../../src/engine/tokenize/createTokenizer';
import { HOSTILE_STRINGS } from './hostileStrings';
import { ourTokens, toUtf16Offsets, assertSameTokens, bmpBlocks } from './oracle';

const HF = join(__dirname, '../../fixtures/hf');
const FIXTURES = ['t5-small-tiny', 'opus-mt-tiny'] as const;

const TEXTS: Record<string, string> = {
  ...HOSTILE_STRINGS,
  'two spaces, a tab, a newline': 'Hello  world!\tDie Katze\nsaß.',
  'leading and trailing spaces': '  leading and trailing  ',
  'halfwidth katakana with a voiced mark (one grapheme, 6 UTF-8 bytes)': 'ｶﾞ ｶ',
  'fullwidth letters and circled digits (NFKC)': 'Ｈｅｌｌｏ ①② ﬁ',
  'decomposed and composed é': 'e\u0301 é',
  'special tokens typed in the text': '<unk> </s> x</s>y<pad>',
  'ideographic space, zero-width space, no-break space': '\u3000x\u200by\u00a0z',
};

function readJson(name: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(HF, name, file), 'utf8')) as Record<string, unknown>;
}

function native(json: Record<string, unknown>): NativeTokenizer {
  const normalizer = json.normalizer as { precompiled_charsmap?: unknown } | null;
  const loadable = normalizer?.precompiled_charsmap === null ? { ...json, normalizer: null } : json;
  return NativeTokenizer.fromString(JSON.stringify(loadable));
}

const randomText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({
        unit: fc.constantFrom(
          'a',
          'Katze',
          ' ',
          '  ',
          '\t',
          'é',
          'e\u0301',
          'ｶ',
          'ﾞ',
          '①',
          'ﬁ',
          '😀',
          '</s>',
          '\u00a0',
          '\u3000',
          '.',
        ),
        maxLength: 12,
      }),
    ),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(''));

for (const name of FIXTURES) {
  describe(`Unigram tokenizer agrees with the reference: ${name}`, () => {
    const json = readJson(name, 'tokenizer.json');
    const config = readJson(name, 'tokenizer_config.json');
    const ours = createTokenizer(json, config);
    const reference = native(json);

    it('is read as a SentencePiece Unigram tokenizer', () => {
      assert.equal(ours.kind, 'unigram');
    });

    for (const [label, text] of Object.entries(TEXTS)) {
      it(`ids and offsets: ${label}`, async () => {
        await assertSameTokens(reference, ours, text);
      });
    }

    it('fast-check: 1,000 random strings, same ids and offsets', async () => {
      await fc.assert(
        fc.asyncProperty(randomText, async (text) => {
          await assertSameTokens(reference, ours, text);
        }),
        { numRuns: 1_000 },
      );
    });

    it('every code point of the Basic Multilingual Plane (a space after every 7th), in blocks', async () => {
      for (const [block, text] of bmpBlocks(0x1000)) {
        await assertSameTokens(reference, ours, text, `block U+${block.toString(16)}`);
      }
    });

    it('the template appends </s> (A </s>), as the reference post-processor does', async () => {
      const text = 'Hello world!';
      const policy = specialTokensOf(json, config);
      assert.deepEqual(policy, { prepend: [], append: ['</s>'] });
      const encoding = await reference.encode(text, null, { addSpecialTokens: true });
      const map = toUtf16Offsets(text);
      const expected = encoding.getIds().map((id, i) => ({
        id,
        start: map[encoding.getOffsets()[i]![0]!]!,
        end: map[encoding.getOffsets()[i]![1]!]!,
      }));
      const eos = ours.tokenToId('</s>')!;
      assert.deepEqual([...ourTokens(ours, text), { id: eos, start: 0, end: 0 }], expected);
    });

    it('decodes its own ids back to the text', () => {
      const text = 'Die Katze saß.';
      assert.equal(ours.decode(ours.tokenize(text).map((t) => t.id)).trim(), text);
    });
  });
}
