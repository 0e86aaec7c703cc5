/**
 * The `TextTokenizer` surface on the real GPT-2 and BERT files: kinds, vocabulary, decoding,
 * added-token rules (checked against the reference), and clear failures for tokenizers whose
 * offsets we cannot compute.
 */
import assert from 'node:assert/strict';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTokenizer } from '../../../src/engine/tokenize/createTokenizer';
import { ourTokens, readJson, referenceTokens, ourTokenizer } from './oracle';

// biome-ignore lint/suspicious/noExplicitAny: reference tokenizer.json files are edited field by field
type Json = Record<string, any>;

/** A copy of a real tokenizer.json with one edit (vocabulary and merges shared, not copied). */
function variant(folder: 'gpt2' | 'bert-uncased-minilm', edit: (json: Json) => void): Json {
  const original = readJson(folder, 'tokenizer.json') as Json;
  const json: Json = {
    ...original,
    model: { ...original.model },
    added_tokens: [...original.added_tokens],
  };
  edit(json);
  return json;
}

/** The T5 fixture's tokenizer.json (SentencePiece Unigram) with one edit. */
function unigram(edit: (json: Json) => void): Json {
  const path = join(__dirname, '../../fixtures/hf/t5-small-tiny/tokenizer.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as Json;
  edit(json);
  return json;
}

describe('createTokenizer', () => {
  it('recognises GPT-2 as byte-level BPE and BERT as WordPiece, with vocabulary sizes', () => {
    assert.equal(ourTokenizer('gpt2').kind, 'byteLevelBpe');
    assert.equal(ourTokenizer('gpt2').vocabSize, 50257);
    assert.equal(ourTokenizer('bert-uncased-minilm').kind, 'wordPiece');
    assert.equal(ourTokenizer('bert-uncased-minilm').vocabSize, 30522);
  });

  it('looks tokens and ids up in both directions, added tokens included', () => {
    const gpt2 = ourTokenizer('gpt2');
    assert.equal(gpt2.tokenToId('<|endoftext|>'), 50256);
    assert.equal(gpt2.idToToken(50256), '<|endoftext|>');
    assert.equal(gpt2.idToToken(gpt2.tokenToId('Ġhello')!), 'Ġhello');
    assert.equal(gpt2.tokenToId('no such token'), undefined);
    const bert = ourTokenizer('bert-uncased-minilm');
    assert.equal(bert.tokenToId('[CLS]'), 101);
    assert.equal(bert.tokenToId('##ing'), 2075);
    assert.equal(bert.idToToken(100), '[UNK]');
  });

  it('decodes byte-level ids back to the exact text, lone surrogates as U+FFFD', () => {
    const gpt2 = ourTokenizer('gpt2');
    for (const text of ['Hello , world ! 😀\r\n\tx', 'a\ud800b', 'naïve 東京']) {
      const ids = gpt2.tokenize(text).map((t) => t.id);
      assert.equal(gpt2.decode(ids), text.replace(/\p{Cs}/gu, '\ufffd'));
    }
    assert.equal(gpt2.decode([]), '');
  });

  it('decodes WordPiece ids by joining pieces', () => {
    const bert = ourTokenizer('bert-uncased-minilm');
    const ids = bert.tokenize('Tokenizing Héllo').map((t) => t.id);
    assert.equal(bert.decode(ids), 'tokenizing hello');
  });

  it('gives token texts as the vocabulary spells them', () => {
    const texts = (folder: 'gpt2' | 'bert-uncased-minilm', s: string): string[] =>
      ourTokenizer(folder)
        .tokenize(s)
        .map((t) => t.text);
    assert.deepEqual(texts('gpt2', 'Hello world'), ['Hello', 'Ġworld']);
    assert.deepEqual(texts('bert-uncased-minilm', 'Tokenizing [SEP]'), [
      'token',
      '##izing',
      '[SEP]',
    ]);
  });

  it('matches added tokens as the reference: lstrip, rstrip, single_word, normalized', async () => {
    const added = [
      {
        id: 30522,
        content: '<mask>',
        lstrip: true,
        rstrip: true,
        normalized: false,
        special: true,
      },
      { id: 30523, content: 'Bär', normalized: true, special: false },
      { id: 30524, content: 'zqzq', single_word: true, normalized: false, special: false },
      { id: 30525, content: '<|im-start|>', normalized: false, special: true },
      // Already in the vocabulary: the file lists it with its vocabulary id.
      { id: 29379, content: 'foo', normalized: false, special: false },
    ];
    const json = variant('bert-uncased-minilm', (j) => {
      j.added_tokens.push(
        ...added.map((t) => ({ single_word: false, lstrip: false, rstrip: false, ...t })),
      );
    });
    const native = NativeTokenizer.fromString(JSON.stringify(json));
    native.disablePadding();
    native.disableTruncation();
    const ours = createTokenizer(json);
    const texts = [
      'a  <mask>  b',
      'ab<mask>cd<mask>',
      ' <mask>',
      'BAR bär Bär BÄR',
      'zqzq xzqzq zqzq_ zqzq. é zqzq',
      'foo food',
      'a<|im-start|>b <|im-start|',
    ];
    const expected = await referenceTokens(native, texts);
    texts.forEach((text, i) => {
      assert.deepEqual(ourTokens(ours, text), expected[i], text);
    });
    assert.equal(ours.vocabSize, 30526);
  });

  it('refuses at load what it cannot use, in one line naming tokenizer.json and the field', () => {
    const bertVocab = readJson('bert-uncased-minilm', 'tokenizer.json') as Json;
    const cases: [Json, RegExp][] = [
      [
        variant('gpt2', (j) => (j.model.type = 'Unigram')),
        /model\.vocab is not a \[\[piece, score\], …\] list/,
      ],
      [
        variant('gpt2', (j) => (j.model.type = 'WordLevel')),
        /model\.type "WordLevel" is not supported \(supported: BPE, WordPiece, Unigram\)/,
      ],
      [unigram((j) => (j.model.byte_fallback = true)), /model\.byte_fallback is true/],
      [
        unigram((j) => (j.normalizer = { type: 'Precompiled', precompiled_charsmap: 42 })),
        /normalizer\.precompiled_charsmap is not a base64 string/,
      ],
      [
        variant('gpt2', (j) => {
          j.pre_tokenizer = { type: 'Sequence', pretokenizers: [j.pre_tokenizer, { type: 'Foo' }] };
        }),
        /pre_tokenizer\.pretokenizers\[1\]\.type "Foo" is not supported \(supported: Sequence, Split, .*Metaspace\)/,
      ],
      [
        variant(
          'gpt2',
          (j) => (j.normalizer = { type: 'Sequence', normalizers: [{ type: 'Bar' }] }),
        ),
        /normalizer\.normalizers\[0\]\.type "Bar" is not supported \(supported: Sequence, NFC, /,
      ],
      [
        variant('gpt2', (j) => (j.post_processor = { type: 'Baz' })),
        /post_processor\.type "Baz" is not supported/,
      ],
      [
        variant('gpt2', (j) => (j.model.continuing_subword_prefix = '##')),
        /model\.continuing_subword_prefix is set/,
      ],
      [variant('bert-uncased-minilm', (j) => delete j.model), /model is not an object/],
      [
        variant('gpt2', (j) => {
          j.pre_tokenizer = { type: 'Split', pattern: { Regex: '(' }, behavior: 'Isolated' };
        }),
        /pre_tokenizer\.pattern\.Regex "\(" has an unclosed "\("/,
      ],
      [
        variant('gpt2', (j) => {
          j.pre_tokenizer = { type: 'Split', pattern: { Regex: 'x' }, behavior: 'Sideways' };
        }),
        /pre_tokenizer\.behavior "Sideways" is not a split behaviour/,
      ],
      [
        variant('bert-uncased-minilm', (j) => {
          j.model.vocab = { ...bertVocab.model.vocab };
          delete j.model.vocab['[UNK]'];
        }),
        /model\.unk_token "\[UNK\]" is not in the vocabulary/,
      ],
      [unigram((j) => (j.model.unk_id = 99999)), /model\.unk_id 99999 is not the index of a piece/],
      [
        variant('gpt2', (j) => (j.model.merges = ['Ġ notInVocab', ...j.model.merges])),
        /model\.merges\[0\] "Ġ notInVocab" names "notInVocab", which is not in the vocabulary/,
      ],
      [
        variant('gpt2', (j) => (j.added_tokens = [{ id: -3, content: '<bad>' }])),
        /added_tokens\[0\]\.id -3 \(for "<bad>"\) is not a token id/,
      ],
    ];
    for (const [json, message] of cases) {
      assert.throws(
        () => createTokenizer(json),
        (e: Error) => {
          assert.match(e.message, /^tokenizer\.json: /);
          assert.match(e.message, message);
          assert.doesNotMatch(e.message, /\n/);
          return true;
        },
      );
    }
  });
});
