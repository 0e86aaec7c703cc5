/**
 * Greedy decoding from the key/value cache (src/engine/inference/decoderCache.ts) on the
 * encoder-decoder fixtures: the cache graph each folder offers is the one used, and the ids
 * are PyTorch's greedy ids and the full-pass loop's; without a cache graph, full passes.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Seq2SeqModel } from '../../../src/engine/inference/seq2seqModel';
import { sharedEngine } from '../engine/fixtures';
import { editedCopy, type Seq2SeqFixture, seq2seqDir, seq2seqReference } from './seq2seqFixtures';

const noCancel = (): void => undefined;

async function seq2seqModel(dir: string): Promise<Seq2SeqModel> {
  const model = await sharedEngine().loadAnyModel(dir);
  assert.ok(model instanceof Seq2SeqModel);
  return model;
}

/** Greedy both ways on the fixture's reference source; returns the graph the cache used. */
async function greedyBothWays(name: Seq2SeqFixture, dir: string): Promise<string> {
  const ref = seq2seqReference(name);
  const model = await seq2seqModel(dir);
  const source = await model.encode(ref.source_ids);
  const max = ref.greedy.max_new_tokens;
  const greedy = await model.greedy(source, max, noCancel);
  const full = await model.greedyFullPasses(source, max, noCancel);
  assert.deepEqual(greedy.ids, ref.greedy.decoder_ids, "PyTorch's greedy ids");
  assert.deepEqual(greedy.ids, full.ids, 'the full-pass loop chooses the same ids');
  assert.equal(greedy.stoppedAtEos, ref.greedy.stopped_at_eos);
  return greedy.steppedWith;
}

describe('greedy decoding from the key/value cache', () => {
  for (const name of ['t5-small-tiny', 'opus-mt-tiny'] as const) {
    it(`${name}: continues with decoder_with_past_model.onnx, PyTorch's ids`, async () => {
      const used = await greedyBothWays(name, seq2seqDir(name));
      assert.match(used, /(^|\/)decoder_with_past_model\.onnx$/);
    });
  }

  it("t5-small-tiny: 20 tokens from the cache equal the full passes' on five sources", async () => {
    const model = await seq2seqModel(seq2seqDir('t5-small-tiny'));
    const eos = seq2seqReference('t5-small-tiny').source_ids.at(-1)!;
    const texts = ['The quick brown fox.', 'def add(a, b): return a + b', 'x', 'Numbers 1 2 3 4 5'];
    for (const text of [...texts, 'Hello world, how are you today?']) {
      const ids = model.tokenizer.tokenize(text).map((t) => t.id);
      const source = await model.encode([...ids, eos]);
      const cached = await model.greedy(source, 20, noCancel);
      const full = await model.greedyFullPasses(source, 20, noCancel);
      assert.equal(cached.steppedWith, 'onnx/decoder_with_past_model.onnx');
      assert.deepEqual(cached.ids, full.ids, text);
      assert.ok(new Set(cached.ids).size > 8, `varied tokens: ${cached.ids.join(',')}`);
    }
  });

  it("t5-small-tiny float16 export: logits near fp32's, the same ids from cache and full passes", async () => {
    const ref = seq2seqReference('t5-small-tiny');
    const dir = seq2seqDir('t5-small-tiny');
    const half = await sharedEngine().loadAnyModel(dir, 'fp16');
    assert.ok(half instanceof Seq2SeqModel);
    assert.equal(half.info.decoderGraphFile, 'onnx/decoder_model_fp16.onnx');
    const full = await seq2seqModel(dir);
    const ids = ref.greedy.decoder_ids;
    // float16 comes out of onnxruntime as raw 16-bit values: read as numbers they are nonsense.
    const [a, b] = await Promise.all(
      [half, full].map(
        async (m) => (await m.decode(await m.encode(ref.source_ids), ids, false)).nextLogits,
      ),
    );
    let worst = 0;
    for (let i = 0; i < a!.length; i++) worst = Math.max(worst, Math.abs(a![i]! - b![i]!));
    assert.ok(worst < 0.05, `max |fp16 − fp32| logit = ${worst}`);
    const source = await half.encode(ref.source_ids);
    const cached = await half.greedy(source, 12, noCancel);
    assert.equal(cached.steppedWith, 'onnx/decoder_with_past_model_fp16.onnx');
    assert.deepEqual(cached.ids, (await half.greedyFullPasses(source, 12, noCancel)).ids);
    assert.deepEqual(cached.ids.slice(0, 3), ids.slice(0, 3), 'starts as fp32 does');
  });

  it('t5-small-tiny with only the merged decoder: continues in its cache branch', async () => {
    const copy = editedCopy('t5-small-tiny', (dir) => {
      rmSync(join(dir, 'onnx', 'decoder_model.onnx'));
      rmSync(join(dir, 'onnx', 'decoder_with_past_model.onnx'));
    });
    try {
      assert.equal(
        await greedyBothWays('t5-small-tiny', copy.dir),
        'onnx/decoder_model_merged.onnx',
      );
    } finally {
      copy.remove();
    }
  });

  it('opus-mt-tiny without a cache graph: full passes, the same ids', async () => {
    const copy = editedCopy('opus-mt-tiny', (dir) =>
      rmSync(join(dir, 'decoder_with_past_model.onnx')),
    );
    try {
      assert.equal(await greedyBothWays('opus-mt-tiny', copy.dir), 'decoder_model.onnx');
    } finally {
      copy.remove();
    }
  });

  it('a cache graph that cannot be loaded falls back to full passes', async () => {
    const copy = editedCopy('opus-mt-tiny', (dir) =>
      writeFileSync(join(dir, 'decoder_with_past_model.onnx'), 'not an onnx file'),
    );
    try {
      assert.equal(await greedyBothWays('opus-mt-tiny', copy.dir), 'decoder_model.onnx');
    } finally {
      copy.remove();
    }
  });
});
