/**
 * The worker protocol carries an encoder-decoder inspection: the request's `target`, and the
 * result's decoder and cross-attention arrays as Float32Arrays (transferred, see rpc.test.ts).
 */
import assert from 'node:assert/strict';
import { maxAbsDiff, seq2seqDir, seq2seqReference } from './seq2seqFixtures';
import { builtWorkerPerTest } from '../worker/builtWorker';

describe('EngineClient with the bundled worker: encoder-decoder', function () {
  this.timeout(120000);
  const client = builtWorkerPerTest();

  it('sends the target and returns the decoder side as Float32Arrays, equal to PyTorch', async () => {
    const ref = seq2seqReference('opus-mt-tiny');
    const { result } = client().inspect({
      modelDir: seq2seqDir('opus-mt-tiny'),
      text: ref.source_text,
      target: { kind: 'given', text: ref.given.target_text },
    });
    const value = await result;
    const seq2seq = value.seq2seq!;
    assert.deepEqual(
      seq2seq.decoderTokens.map((t) => t.id),
      ref.given.decoder_ids,
    );
    for (const layer of [...seq2seq.decoderAttentions, ...seq2seq.crossAttentions])
      assert.ok(layer instanceof Float32Array);
    assert.ok(maxAbsDiff(seq2seq.crossAttentions, ref.given.cross_attentions) <= 1e-4);
  });

  it('loadModel reports an encoder-decoder with its decoder graph', async () => {
    const info = await client().loadModel(seq2seqDir('opus-mt-tiny'));
    assert.equal(info.architecture, 'encoder-decoder');
    assert.equal(info.decoderGraphFile, 'decoder_model.onnx');
  });
});
