/**
 * The tokenizers of today's model families (test/fixtures/tokenizers/<family>: Qwen2, Llama 3,
 * SmolLM2, an o200k-style regex, Llama 2 / TinyLlama, the Metaspace converter, Gemma, Phi-3)
 * give the ids and UTF-16 offsets of the native `tokenizers` package, the reference: on the
 * hostile strings, the family's own special tokens typed in the text, 1,000 random strings,
 * and every code point of the Basic Multilingual Plane. Byte-fallback pieces that hold part
 * of a character are `partial`; the post-processor's special tokens are the reference's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { specialTokensOf } from '../../../src/engine/folder/specialTokenTemplate';
import { createTokenizer, type TextTokenizer } from '../../../src/engine/tokenize/createTokenizer';
import { HOSTILE_STRINGS } from './hostileStrings';
import { TOKENIZER_DIR, assertSameTokens, bmpBlocks } from './oracle';

/** Each family folder, with text typing its chat/special tokens as users paste them. */
const FAMILIES: Record<string, string> = {
  qwen2:
    '<|im_start|>system\nYou are Qwen.<|im_end|>\n<|im_start|>user\n<tool_call>{"x": 1}</tool_call><|endoftext|>',
  llama3:
    '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi 12345<|eot_id|><|start_header_id|>',
  smollm2: '<|im_start|>user\nx = 1234<|im_end|>\n<file_sep><filename>a.py\n<|endoftext|>',
  'gpt4o-o200k': "<|endoftext|>Hello WORLD's don'T <|endofprompt|> CamelCaseWord 1234567",
  llama2: '<s>[INST] <<SYS>>\nhi\n<</SYS>> x [/INST] ok </s><unk> <s>',
  'llama-metaspace': '<s> [INST] x [/INST]</s> <unk>  <s>',
  gemma: '<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n<eos> <mask><pad>',
  phi3: '<|user|>\nHi there <|end|>\n<|assistant|>   answer<|end|> <|endoftext|><|system|>x',
};

/** Texts that matter to these families beyond the shared hostile strings. */
const FAMILY_TEXTS: Record<string, string> = {
  'digit runs (single digits, groups of three)': '1 12 123 1234 12345678901 3.14159 x2y22 ٣٤٥٦',
  'contractions in every case': "it's IT'S We'Ll i'M they'RE 'D 's'S",
  'NFC composition (e + acute, A + ring, Hangul jamo, angstrom sign)':
    'cafe\u0301 A\u030a \u1100\u1161\u11a8 \u212b \u0041\u0308\u0304',
  'characters without a piece (byte fallback)': 'ŋ ʃ ᚠ ⅷ 𝔘 ǅ ꙮ',
  'the metaspace character typed in the text': '▁x ▁▁ a▁b ▁',
  'byte-fallback spelling typed in the text': '<0x41><0x0A> <0xFF>',
  'leading, trailing and repeated spaces': '  x   y  ',
  'CRLF, tabs and form feeds in code': 'if (a) {\r\n\t\treturn\tb;\f\r\n}\r\n',
  'emoji ZWJ, skin tones, flags, keycaps': '👩‍👩‍👧‍👦 👩🏽‍💻 🏳️‍⚧️ 🇯🇵 #️⃣',
  'mixed scripts in one word': 'abcабвαβγ東京abc١٢٣',
  'camel case and acronyms': 'parseHTTPResponse XMLHttpRequest getID iOS',
  'slashes and newlines after punctuation': 'a/b// c.\n\n\nd?!\r\n/',
};

const randomText = (specials: string[]) =>
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
        { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
        {
          weight: 4,
          arbitrary: fc.string({
            unit: fc.constantFrom(
              ...specials,
              'a',
              'Z',
              'é',
              'e',
              '\u0301',
              '\u030a',
              '\u1100',
              '\u1161',
              ' ',
              '  ',
              '\t',
              '\r\n',
              '\n',
              '\r',
              '😀',
              '\u200d',
              '👩',
              '🏽',
              '東',
              '𠀀',
              'ا',
              '\u0000',
              '\ud800',
              '\udc00',
              '1',
              '23',
              '4567',
              "'s",
              "'LL",
              '▁',
              '<0x0A>',
              'İ',
              'ß',
              '\u00a0',
              '\u3000',
              '/',
              '.',
              'x = f(y);',
            ),
            maxLength: 16,
          }),
        },
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join(''));

function readJson(family: string, file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(TOKENIZER_DIR, family, file), 'utf8')) as Record<
    string,
    unknown
  >;
}

const BYTE_PIECE = /^<0x[0-9A-F]{2}>$/;

for (const [family, chatText] of Object.entries(FAMILIES)) {
  describe(`tokenizer family agrees with the reference: ${family}`, () => {
    const json = readJson(family, 'tokenizer.json');
    const config = readJson(family, 'tokenizer_config.json');
    let ours: TextTokenizer;
    // Built in a hook, so a family the engine refuses fails its own tests, not the file.
    before(() => {
      ours = createTokenizer(json, config);
    });
    const native = NativeTokenizer.fromFile(join(TOKENIZER_DIR, family, 'tokenizer.json'));
    const specials = (json.added_tokens as { content: string }[]).map((t) => t.content);

    const texts = { 'its special tokens typed in the text': chatText, ...FAMILY_TEXTS };
    for (const [label, text] of Object.entries({ ...texts, ...HOSTILE_STRINGS })) {
      it(`ids and offsets: ${label}`, async () => {
        await assertSameTokens(native, ours, text);
      });
    }

    it('fast-check: 1,000 random strings, same ids and offsets', async () => {
      await fc.assert(
        fc.asyncProperty(randomText(specials), async (text) => {
          await assertSameTokens(native, ours, text);
        }),
        { numRuns: 1_000 },
      );
    });

    it('every code point of the Basic Multilingual Plane (a space after every 7th), in blocks', async () => {
      for (const [block, text] of bmpBlocks(0x1000)) {
        await assertSameTokens(native, ours, text, `block U+${block.toString(16)}`);
      }
    });

    it('a piece holding some bytes of a character is partial, a whole one is not', () => {
      const text = 'ŋ東😀 x é\u0301';
      const tokens = ours.tokenize(text);
      for (const token of tokens) {
        const shared = tokens.some(
          (other) => other !== token && other.start < token.end && token.start < other.end,
        );
        const piece = ours.idToToken(token.id) ?? '';
        if (BYTE_PIECE.test(piece) && shared) assert.equal(token.partial, true, piece);
        if (!shared) assert.ok(!token.partial, `${piece} at ${token.start}`);
      }
    });

    it("the special tokens around a text are the reference post-processor's", async () => {
      const text = 'Hello world! 123';
      const policy = specialTokensOf(json, config);
      const encoding = await native.encode(text, null, { addSpecialTokens: true });
      const idsOf = (names: string[]) => names.map((name) => ours.tokenToId(name));
      const ids = [
        ...idsOf(policy.prepend),
        ...ours.tokenize(text).map((t) => t.id),
        ...idsOf(policy.append),
      ];
      assert.deepEqual(ids, encoding.getIds());
    });
  });
}
