/**
 * What ran and which attention tricks the model uses, as ModelInfo (and the export's
 * `source` block) report them: read from the graph (precision, rewritten fused nodes, a
 * fused node's window and soft-cap) or from config.json.
 */
import assert from 'node:assert/strict';
import { withConfigFeatures } from '../../../src/engine/folder/attentionFeatures';
import { hfModel } from './hfFixtures';

describe('model source and attention features', () => {
  it('a model-builder q4 graph: 4-bit precision, GroupQueryAttention rewritten, window and soft-cap from the graph', async () => {
    const { info } = await hfModel('gqa-window', 'q4');
    assert.deepEqual(info.attention, {
      slidingWindow: { size: 3, layers: [0, 1], from: 'graph' },
      softcap: { value: 4, from: 'graph' },
    });
    const source = info.source!;
    assert.equal(source.graphFile, 'onnx/model_q4.onnx');
    assert.equal(source.variant, 'q4');
    assert.equal(source.precision, '4-bit (MatMulNBits, block 32)');
    assert.deepEqual(source.rewritten, [{ op: 'com.microsoft:GroupQueryAttention', nodes: 2 }]);
    assert.equal(source.facts, 'config.json');
  });

  it('an unfused export: nothing rewritten, its precision read from the graph', async () => {
    const plain = (await hfModel('llama')).info;
    assert.equal(plain.attention, undefined);
    assert.deepEqual(plain.source?.rewritten, []);
    assert.equal(plain.source?.precision, 'float32');
    const quantized = (await hfModel('llama', 'quantized')).info;
    assert.equal(quantized.source?.precision, '8-bit (QDQ, DequantizeLinear)');
    assert.equal((await hfModel('llama', 'fp16')).info.source?.precision, 'float16');
  });

  it('config.json: Mistral, Qwen2 and Gemma 2 windows, Gemma 2 soft-capping; the graph wins', () => {
    const from = (config: Record<string, unknown>, layers = 4) =>
      withConfigFeatures({}, config, layers);
    assert.deepEqual(from({ model_type: 'mistral', sliding_window: 4096 }).slidingWindow, {
      size: 4096,
      layers: [0, 1, 2, 3],
      from: 'config.json',
    });
    assert.equal(from({ model_type: 'mistral', sliding_window: null }).slidingWindow, undefined);
    assert.equal(
      from({ model_type: 'qwen2', sliding_window: 4096, use_sliding_window: false }).slidingWindow,
      undefined,
    );
    assert.deepEqual(
      from({
        model_type: 'qwen2',
        sliding_window: 8,
        use_sliding_window: true,
        max_window_layers: 2,
      }).slidingWindow?.layers,
      [2, 3],
    );
    const gemma = from({ model_type: 'gemma2', sliding_window: 4096, attn_logit_softcapping: 50 });
    assert.deepEqual(gemma.slidingWindow?.layers, [0, 2]);
    assert.deepEqual(gemma.softcap, { value: 50, from: 'config.json' });
    const graph = { softcap: { value: 30, from: 'graph' as const } };
    assert.deepEqual(
      withConfigFeatures(graph, { attn_logit_softcapping: 50 }, 2).softcap,
      graph.softcap,
    );
  });
});
