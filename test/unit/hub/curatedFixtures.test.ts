/**
 * Every model the download command offers opens: each curated entry names a fixture folder
 * (test/fixtures/hf) with the same tokenizer shape, config family and graph layout as the
 * repository, and that folder opens and inspects a text. An entry added without a fixture
 * fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURATED_MODELS } from '../../../src/hub/curatedModels';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

interface Stand {
  /** Folder under test/fixtures/hf. */
  fixture: string;
  /** The repository's config.json model_type, which the fixture's must equal. */
  modelType: string;
  /** The repository's graph file, which the fixture mirrors. */
  graph: string;
}

const STAND_INS: Record<string, Stand> = {
  'Xenova/gpt2': {
    fixture: 'gpt2-merged',
    modelType: 'gpt2',
    graph: 'onnx/decoder_model_merged.onnx',
  },
  'Xenova/distilgpt2': {
    fixture: 'gpt2-merged',
    modelType: 'gpt2',
    graph: 'onnx/decoder_model_merged.onnx',
  },
  // The BERT fixture keeps Optimum's model.onnx at the top; the loader reads both places.
  'Xenova/bert-base-uncased': { fixture: 'bert', modelType: 'bert', graph: 'model.onnx' },
  'Xenova/all-MiniLM-L6-v2': { fixture: 'bert', modelType: 'bert', graph: 'model.onnx' },
  'HuggingFaceTB/SmolLM2-135M-Instruct': {
    fixture: 'smollm2',
    modelType: 'llama',
    graph: 'onnx/model.onnx',
  },
  'HuggingFaceTB/SmolLM2-360M-Instruct': {
    fixture: 'smollm2',
    modelType: 'llama',
    graph: 'onnx/model.onnx',
  },
  'onnx-community/Qwen2.5-0.5B-Instruct': {
    fixture: 'qwen2',
    modelType: 'qwen2',
    graph: 'onnx/model.onnx',
  },
  'onnx-community/Qwen2.5-Coder-0.5B-Instruct': {
    fixture: 'qwen2',
    modelType: 'qwen2',
    graph: 'onnx/model.onnx',
  },
  'Xenova/TinyLlama-1.1B-Chat-v1.0': {
    fixture: 'tinyllama',
    modelType: 'llama',
    graph: 'onnx/decoder_model_merged.onnx',
  },
};

describe('curated download list: every entry has a fixture that opens', () => {
  it('names a fixture for every curated repository, and none for a repository not listed', () => {
    const listed = CURATED_MODELS.map((m) => m.repo);
    assert.deepEqual(
      listed.filter((repo) => !(repo in STAND_INS)),
      [],
      'curated entries without a fixture folder',
    );
    assert.deepEqual(
      Object.keys(STAND_INS).filter((repo) => !listed.includes(repo)),
      [],
      'fixtures for repositories no longer listed',
    );
  });

  for (const { repo } of CURATED_MODELS) {
    const stand = STAND_INS[repo];
    if (!stand) continue;
    it(`${repo}: ${stand.fixture} opens (${stand.modelType}, ${stand.graph}) and inspects text`, async () => {
      const folder = join(HF_FIXTURES, stand.fixture);
      const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as {
        model_type: string;
      };
      assert.equal(config.model_type, stand.modelType);
      const text = 'def café(x):\n\treturn x * 42  # 😀';
      const result = await sharedEngine().inspect(folder, text);
      assert.equal(result.model.graphFile, stand.graph);
      const covered = result.tokens.filter((t) => t.end > t.start);
      assert.equal(covered[0]?.start, 0);
      assert.equal(covered.at(-1)?.end, text.length);
      assert.ok(result.attentions.length > 0);
    });
  }
});
