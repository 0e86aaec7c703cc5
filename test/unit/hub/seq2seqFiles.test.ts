/** A Hub download of an encoder-decoder port fetches the encoder with the decoder it runs. */
import assert from 'node:assert/strict';
import { chooseFiles } from '../../../src/hub/chooseFiles';

const file = (path: string, size = 10) => ({ path, size });

describe('chooseFiles: encoder-decoder repositories', () => {
  const listing = [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'onnx/encoder_model.onnx',
    'onnx/encoder_model_quantized.onnx',
    'onnx/decoder_model.onnx',
    'onnx/decoder_model_quantized.onnx',
    'onnx/decoder_model_merged.onnx',
    'onnx/decoder_with_past_model.onnx',
  ].map((p) => file(p));

  it('fetches the encoder of the same variant with the chosen decoder, and no with-past graph', () => {
    const choice = chooseFiles('Xenova/t5-small', listing);
    assert.equal(choice.graph.path, 'onnx/decoder_model.onnx');
    assert.deepEqual(choice.files.map((f) => f.path).sort(), [
      'config.json',
      'generation_config.json',
      'onnx/decoder_model.onnx',
      'onnx/encoder_model.onnx',
      'tokenizer.json',
    ]);
  });

  it('a quantized decoder comes with the quantized encoder', () => {
    const choice = chooseFiles('Xenova/t5-small', listing, 'onnx/decoder_model_quantized.onnx');
    assert.ok(choice.files.some((f) => f.path === 'onnx/encoder_model_quantized.onnx'));
    assert.ok(!choice.files.some((f) => f.path === 'onnx/encoder_model.onnx'));
  });

  it('a decoder-only repository is unchanged: no encoder to add', () => {
    const choice = chooseFiles('Xenova/gpt2', [
      file('config.json'),
      file('tokenizer.json'),
      file('onnx/decoder_model_merged.onnx'),
    ]);
    assert.deepEqual(choice.files.map((f) => f.path).sort(), [
      'config.json',
      'onnx/decoder_model_merged.onnx',
      'tokenizer.json',
    ]);
  });
});
