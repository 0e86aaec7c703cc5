/** Graph sizes for the variant picker: the graph with its external weights, in readable units. */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes, graphFileBytes } from '../../../src/util/graphFileSize';
import { HF_FIXTURES } from '../folder/hfFixtures';

describe('graph file sizes', () => {
  const dir = join(HF_FIXTURES, 'gqa-llama');
  const size = (file: string) => statSync(join(dir, file)).size;

  it('counts model.onnx with model.onnx.data, and model_q4.onnx alone', () => {
    assert.equal(
      graphFileBytes(dir, 'onnx/model.onnx'),
      size('onnx/model.onnx') + size('onnx/model.onnx.data'),
    );
    assert.equal(graphFileBytes(dir, 'onnx/model_q4.onnx'), size('onnx/model_q4.onnx'));
    assert.ok(graphFileBytes(dir, 'onnx/model_q4.onnx')! < graphFileBytes(dir, 'onnx/model.onnx')!);
  });

  it('is undefined for a file that is not there', () => {
    assert.equal(graphFileBytes(dir, 'onnx/model_fp16.onnx'), undefined);
  });

  it('reads like a file size', () => {
    assert.equal(formatBytes(512), '512 bytes');
    assert.equal(formatBytes(200_000), '195 KiB');
    assert.equal(formatBytes(1.5 * 1024 ** 3), '1.5 GiB');
  });
});
