/**
 * The `TextTokenizer` surface on the real GPT-2 and BERT files: kinds, vocabulary, decoding,
 * added-token rules (checked against the reference), and clear failures for tokenizers whose
 * offsets we cannot compute.
 */
import assert from 'node:assert/strict';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
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

  it('rejects tokenizers it cannot align, naming the part that is not supported', () => {
    const cases: [Json, RegExp][] = [
      [variant('gpt2', (j) => (j.model.type = 'Unigram')), /model type Unigram/],
      [
        variant('gpt2', (j) => (j.pre_tokenizer = { type: 'Metaspace' })),
        /BPE with pre-tokenizer Metaspace/,
      ],
      [
        variant('gpt2', (j) => (j.normalizer = { type: 'NFC' })),
        /byte-level BPE with normalizer NFC/,
      ],
      [
        variant('gpt2', (j) => (j.model.continuing_subword_prefix = '##')),
        /continuing-subword prefix/,
      ],
      [
        variant('bert-uncased-minilm', (j) => (j.normalizer = { type: 'NFKC' })),
        /WordPiece with normalizer NFKC/,
      ],
      [
        variant('bert-uncased-minilm', (j) => (j.pre_tokenizer = { type: 'Whitespace' })),
        /WordPiece with pre-tokenizer Whitespace/,
      ],
      [variant('bert-uncased-minilm', (j) => delete j.model), /no "model"/],
    ];
    for (const [json, message] of cases) {
      assert.throws(
        () => createTokenizer(json),
        (e: Error) => {
          assert.match(e.message, /^Unsupported tokenizer\.json: /);
          assert.match(e.message, message);
          assert.match(e.message, /supported: byte-level BPE .* and WordPiece/);
          return true;
        },
      );
    }
  });
});
