/** Select Model reads a folder's variants before loading anything (src/util/graphVariants.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runnableGraphFiles } from '../../../src/util/graphVariants';
import { ROOT } from '../engine/fixtures';

const HF = join(ROOT, 'test', 'fixtures', 'hf');

describe('runnableGraphFiles: the variants Select Model offers, without loading', () => {
  it('a Transformers.js folder with three variants: fp32 first', async () => {
    const files = await runnableGraphFiles(join(HF, 'llama'));
    assert.deepEqual(
      files.map((f) => [f.path, f.variant]),
      [
        ['onnx/model.onnx', 'fp32'],
        ['onnx/model_fp16.onnx', 'fp16'],
        ['onnx/model_quantized.onnx', 'quantized'],
      ],
    );
  });

  it('nothing to pick: one graph, a manifest folder, an encoder-decoder, no folder', async () => {
    assert.equal((await runnableGraphFiles(join(HF, 'gpt2'))).length, 1);
    assert.deepEqual(await runnableGraphFiles(join(ROOT, 'models', 'mini-code-gpt')), []);
    assert.deepEqual(await runnableGraphFiles(join(HF, 'opus-mt-tiny')), []);
    assert.deepEqual(await runnableGraphFiles(join(ROOT, 'no-such-folder')), []);
  });
});
