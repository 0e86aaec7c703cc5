/**
 * Folders shaped like today's decoder releases (test/fixtures/hf: Qwen2.5, TinyLlama, SmolLM2,
 * Gemma, Phi-3, Mistral; made by tools/fixtures/make_family_models.py) open without a manifest;
 * inspecting the reference text gives the ids of the native `tokenizers` package (special
 * tokens included) and PyTorch's attention for them within 1e-4.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedEngine } from '../engine/fixtures';
import { FAMILY_MODELS, HF_FIXTURES, maxAbsDiffToReference, type Reference } from './hfFixtures';

interface TextReference extends Reference {
  text: string;
}

const reference = (name: string): TextReference =>
  JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.reference.json`), 'utf8')) as TextReference;

describe('model folders of current families: tokens and attention vs native tokenizers and PyTorch', () => {
  for (const name of FAMILY_MODELS) {
    it(`${name}: the native tokenizer's ids, attention within 1e-4 of PyTorch`, async () => {
      const ref = reference(name);
      const result = await sharedEngine().inspect(join(HF_FIXTURES, name), ref.text);
      assert.deepEqual(
        result.tokens.map((t) => t.id),
        ref.ids,
      );
      for (const token of result.tokens) {
        if (token.special && token.start === token.end) continue;
        assert.ok(
          token.start < token.end && token.end <= ref.text.length,
          `${token.text} at ${token.start}–${token.end}`,
        );
      }
      assert.equal(result.attentions.length, ref.attentions.length);
      const diff = maxAbsDiffToReference(result.attentions, ref);
      assert.ok(diff <= 1e-4, `max |engine − PyTorch| = ${diff}`);
    });
  }
});
