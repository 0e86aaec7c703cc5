import assert from 'node:assert/strict';
import {
  isExternalDataOf,
  parseGraphFile,
  rankGraphFiles,
} from '../../../src/engine/folder/onnxGraphFiles';

describe('ONNX graph files of an export folder', () => {
  it('reads role and variant from Optimum and Transformers.js names', () => {
    assert.deepEqual(parseGraphFile('model.onnx'), {
      path: 'model.onnx',
      role: 'model',
      variant: 'fp32',
    });
    assert.deepEqual(parseGraphFile('onnx/model_q4f16.onnx'), {
      path: 'onnx/model_q4f16.onnx',
      role: 'model',
      variant: 'q4f16',
    });
    assert.deepEqual(parseGraphFile('onnx/decoder_model_merged_quantized.onnx'), {
      path: 'onnx/decoder_model_merged_quantized.onnx',
      role: 'decoderMerged',
      variant: 'quantized',
    });
    assert.equal(parseGraphFile('onnx/decoder_with_past_model_fp16.onnx')?.role, 'decoderWithPast');
    assert.equal(parseGraphFile('encoder_model.onnx')?.role, 'encoder');
  });

  it('ignores what is not a known graph name or lies elsewhere', () => {
    for (const path of [
      'model.onnx_data',
      'onnx/model.onnx.data',
      'weights.onnx',
      'a/onnx/model.onnx',
      'model_fp8.onnx',
      'sub/model.onnx',
    ])
      assert.equal(parseGraphFile(path), undefined, path);
  });

  it('prefers the full graph, then fp32, then the top of the folder; quantized only when alone', () => {
    const paths = [
      'onnx/model_quantized.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model.onnx',
      'model.onnx',
      'onnx/decoder_model_merged.onnx',
      'decoder_with_past_model.onnx',
    ];
    assert.deepEqual(
      rankGraphFiles(paths).map((f) => f.path),
      [
        'model.onnx',
        'onnx/model.onnx',
        'onnx/model_fp16.onnx',
        'onnx/model_quantized.onnx',
        'onnx/decoder_model_merged.onnx',
      ],
    );
    assert.deepEqual(
      rankGraphFiles(['onnx/model_q4.onnx', 'onnx/model_int8.onnx']).map((f) => f.variant),
      ['int8', 'q4'],
    );
    assert.deepEqual(rankGraphFiles(['decoder_with_past_model.onnx']), []);
  });

  it('knows the external-data files of a graph', () => {
    for (const p of [
      'model.onnx_data',
      'model.onnx.data',
      'model.onnx_data_1',
      'model.onnx_data_12',
    ])
      assert.ok(isExternalDataOf('model.onnx', p), p);
    for (const p of ['model.onnx', 'model.onnx_data_', 'model.onnx_datum', 'model_fp16.onnx_data'])
      assert.ok(!isExternalDataOf('model.onnx', p), p);
  });
});
