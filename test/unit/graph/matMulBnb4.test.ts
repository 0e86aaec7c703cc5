/**
 * bitsandbytes 4-bit weights (com.microsoft MatMulBnb4, NF4, block 64; the `bnb4` variant)
 * run as they are (tools/fixtures/make_bnb4_fixture.py quantizes hf/gpt2-optimized as
 * ONNX Runtime's contrib op reads it): the 4-bit graph computes what the float graph of its
 * dequantized weights computes, and the attention the engine reads from it equals that
 * graph's, within 1e-5 (measured: 0 for both, the kernel dequantizes to the same floats).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { loadSingleGraphModel } from '../../../src/engine/inference/loadedModel';
import { ROOT } from '../engine/fixtures';
import { maxAbsDiff } from '../folder/fixtureRuntime';
import { HF_FIXTURES, hfModel, maxAbsDiffToReference, type Reference } from '../folder/hfFixtures';

const FOLDER = join(HF_FIXTURES, 'gpt2-optimized');
const DEQUANTIZED = join(ROOT, 'test', 'fixtures', 'bnb4', 'gpt2-optimized-dequantized.onnx');
const ref = (): Reference =>
  JSON.parse(readFileSync(join(HF_FIXTURES, 'gpt2.reference.json'), 'utf8')) as Reference;

async function logits(file: string, ids: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  const int64 = (values: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(ids),
    attention_mask: int64(ids.map(() => 1)),
    position_ids: int64(ids.map((_, i) => i)),
  };
  for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values'))) {
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, 4, 0, 8]);
  }
  try {
    return (await session.run(feeds)).logits.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('MatMulBnb4 (bitsandbytes 4-bit weights) runs as it is', () => {
  let scratch: string;
  before(() => {
    // The dequantized graph as a folder of its own, beside gpt2-optimized's tokenizer and config.
    scratch = mkdtempSync(join(tmpdir(), 'bnb4-'));
    for (const file of readdirSync(FOLDER).filter((f) => f.endsWith('.json'))) {
      copyFileSync(join(FOLDER, file), join(scratch, file));
    }
    copyFileSync(DEQUANTIZED, join(scratch, 'model.onnx'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('the 4-bit graph computes what its dequantized float graph computes (the fixture is right)', async () => {
    const ids = ref().ids;
    const diff = maxAbsDiff(
      await logits(join(FOLDER, 'model_bnb4.onnx'), ids),
      await logits(DEQUANTIZED, ids),
    );
    assert.ok(diff <= 1e-4, `max |bnb4 − dequantized| logits = ${diff}`);
  });

  it('its attention equals the dequantized graph’s within 1e-5, and is near PyTorch’s fp32', async () => {
    const model = await hfModel('gpt2-optimized', 'bnb4');
    assert.equal(model.info.graphFile, 'model_bnb4.onnx');
    assert.equal(model.info.source?.precision, '4-bit (MatMulBnb4)');
    const reference = await loadSingleGraphModel(
      await loadModelFolder(nodeModelFiles(scratch)),
      scratch,
    );
    const { ids } = ref();
    const got = (await model.runIds(ids)).attentions;
    const want = (await reference.runIds(ids)).attentions;
    const diff = Math.max(...want.map((layer, l) => maxAbsDiff(layer, got[l])));
    assert.ok(diff <= 1e-5, `max |bnb4 − dequantized| attention = ${diff}`);
    const fromFp32 = maxAbsDiffToReference(got, ref());
    // NF4 on this tiny random model moves attention by about 0.27: it is not fp32 that ran.
    assert.ok(fromFp32 > 0.01, `4-bit weights move attention from fp32 by ${fromFp32}`);
  });
});
