/** docs/model-format.md lists exactly the tokenizer.json parts the registries support. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS } from '../../../src/engine/tokenize/parts/models';
import { NORMALIZERS } from '../../../src/engine/tokenize/parts/normalizers';
import { POST_PROCESSORS } from '../../../src/engine/tokenize/parts/postProcessors';
import { PRE_TOKENIZERS } from '../../../src/engine/tokenize/parts/preTokenizers';

const doc = readFileSync(join(__dirname, '../../../docs/model-format.md'), 'utf8');

function documented(registry: string): string[] {
  const line = doc.split('\n').find((l) => l.includes(`(\`${registry}\`):`));
  assert.ok(line, `docs/model-format.md lists ${registry}`);
  return [...line.split('):')[1]!.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!);
}

describe('supported tokenizer.json parts', () => {
  it('docs/model-format.md names each registry’s types, no more, no fewer', () => {
    assert.deepEqual(documented('MODELS'), Object.keys(MODELS));
    assert.deepEqual(documented('NORMALIZERS'), Object.keys(NORMALIZERS));
    assert.deepEqual(documented('PRE_TOKENIZERS'), Object.keys(PRE_TOKENIZERS));
    assert.deepEqual(documented('POST_PROCESSORS'), [...POST_PROCESSORS]);
  });
});
