/**
 * Special tokens as each model's own tokenizer adds them: the engine's tokens for a text
 * equal the native `tokenizers` package's encoding with add_special_tokens on the same
 * tokenizer.json (GPT-2 no BOS, BERT/DistilBERT [CLS] … [SEP], RoBERTa <s> … </s>,
 * Llama-style BOS from its template).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from './hfFixtures';

const TEXT = 'Hello world, the model attends.';
const EXPECTED: Record<string, { prepend: string[]; append: string[] }> = {
  gpt2: { prepend: [], append: [] },
  'gpt2-merged': { prepend: [], append: [] },
  bert: { prepend: ['[CLS]'], append: ['[SEP]'] },
  distilbert: { prepend: ['[CLS]'], append: ['[SEP]'] },
  roberta: { prepend: ['<s>'], append: ['</s>'] },
  llama: { prepend: ['<|begin_of_text|>'], append: [] },
};

describe('Hugging Face export folders: special tokens', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${[...expected.prepend, '…', ...expected.append].join(' ')}, the same ids as the tokenizer itself`, async () => {
      const dir = join(HF_FIXTURES, name);
      const result = await sharedEngine().inspect(dir, TEXT);
      const native = NativeTokenizer.fromFile(join(dir, 'tokenizer.json'));
      const encoding = await native.encode(TEXT, null, { addSpecialTokens: true });
      assert.deepEqual(
        result.tokens.map((t) => t.id),
        encoding.getIds(),
      );
      const specials = result.tokens.filter((t) => t.special).map((t) => t.text);
      assert.deepEqual(specials, [...expected.prepend, ...expected.append]);
      assert.equal(result.tokens[0].special, expected.prepend.length > 0);
      assert.equal(result.attentions.length, 2);
    });
  }
});
