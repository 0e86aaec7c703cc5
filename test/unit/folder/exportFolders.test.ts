/**
 * Hugging Face export folders (test/fixtures/hf, made by tools/fixtures/make_hf_fixtures.py)
 * open without a manifest, and the engine's attention matches PyTorch's for the same ids.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HF_FIXTURES, hfModel, maxAbsDiffToReference, type Reference } from './hfFixtures';

const FAMILIES = ['gpt2', 'gpt2-merged', 'bert', 'distilbert', 'roberta', 'llama'] as const;
const reference = (name: string): Reference =>
  JSON.parse(readFileSync(join(HF_FIXTURES, `${name.replace('-merged', '')}.reference.json`), 'utf8')) as Reference;

describe('Hugging Face export folders: attention vs PyTorch', () => {
  for (const name of FAMILIES) {
    it(`${name}: matches PyTorch within 1e-4 for the same ids`, async () => {
      const model = await hfModel(name);
      const ref = reference(name);
      const { attentions } = await model.runIds(ref.ids);
      assert.equal(attentions.length, ref.attentions.length);
      const diff = maxAbsDiffToReference(attentions, ref);
      assert.ok(diff <= 1e-4, `max |engine − PyTorch| = ${diff}`);
    });
  }
});
