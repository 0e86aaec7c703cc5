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
  JSON.parse(
    readFileSync(join(HF_FIXTURES, `${name.replace('-merged', '')}.reference.json`), 'utf8'),
  ) as Reference;

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

describe('Hugging Face export folders: graph variants', () => {
  it('runs plain fp32 first and says which file and which others the folder holds', async () => {
    const model = await hfModel('llama');
    assert.equal(model.info.graphFile, 'onnx/model.onnx');
    assert.deepEqual(model.info.otherGraphFiles, [
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
    ]);
  });

  for (const [variant, file, worst] of [
    ['quantized', 'onnx/model_quantized.onnx', 0.05],
    ['fp16', 'onnx/model_fp16.onnx', 0.01],
  ] as const) {
    it(`runs ${file} when the ${variant} variant is asked for: close to fp32, not equal`, async () => {
      const model = await hfModel('llama', variant);
      assert.equal(model.info.graphFile, file);
      assert.match(
        model.info.notes?.join(' ') ?? '',
        new RegExp(`${file.replace('.', '\\.')} has ${variant} weights`),
      );
      const ref = reference('llama');
      const { attentions } = await model.runIds(ref.ids);
      const diff = maxAbsDiffToReference(attentions, ref);
      assert.ok(diff > 0 && diff < worst, `max |${variant} − PyTorch fp32| = ${diff}`);
      for (const layer of attentions) assert.ok(layer.every(Number.isFinite));
    });
  }

  it('falls back to the best graph, with a note, when the asked variant is absent', async () => {
    const model = await hfModel('gpt2', 'q4');
    assert.equal(model.info.graphFile, 'model.onnx');
    assert.deepEqual(model.info.notes, ['No q4 graph in this folder; using model.onnx (fp32).']);
  });

  it('says that a merged decoder is read from both branches of its If', async () => {
    const model = await hfModel('gpt2-merged');
    assert.equal(model.info.graphFile, 'onnx/decoder_model_merged.onnx');
    assert.match(
      model.info.notes?.join(' ') ?? '',
      /merged decoder: attention is read from both branches of its If "optimum::if"/,
    );
  });
});
