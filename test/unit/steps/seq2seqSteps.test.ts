/**
 * Head steps of the encoder-decoder fixtures in the real onnxruntime-web: encoder heads from
 * the encoder graph, decoder and cross heads from the decoder graph (T5's merged decoder, its
 * no-past branch). q, k, v, q·kᵀ, the bias and weights·v equal PyTorch's
 * (test/fixtures/hf/<name>.steps.json, tools/fixtures/make_seq2seq_step_references.py), and
 * softmax(scores × scale + bias, masked removed) equals the engine's attention of that kind.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AttentionKind, HeadStepsRequest, InspectResult } from '../../../src/engine/types';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import {
  editedCopy,
  SEQ2SEQ_FIXTURES,
  type Seq2SeqFixture,
  seq2seqDir,
  seq2seqReference,
} from '../seq2seq/seq2seqFixtures';
import { maxDiff, qkT, recomputeAttention } from './stepsMaths';

interface HeadReference {
  kind: AttentionKind;
  layer: number;
  head: number;
  scale: number;
  q: number[][];
  k: number[][];
  v: number[][];
  scores: number[][];
  output: number[][];
  bias: number[][] | null;
}

interface Seq2SeqStepsReference {
  source_ids: number[];
  decoder_ids: number[];
  heads: HeadReference[];
}

/** The engine's attention of one kind for one head, [N, M]. */
function attentionOf(result: InspectResult, kind: AttentionKind, layer: number, head: number) {
  const seq2seq = result.seq2seq;
  assert.ok(seq2seq);
  const n = kind === 'encoder' ? result.tokens.length : seq2seq.decoderTokens.length;
  const m = kind === 'decoder' ? n : result.tokens.length;
  const layers =
    kind === 'encoder'
      ? result.attentions
      : kind === 'decoder'
        ? seq2seq.decoderAttentions
        : seq2seq.crossAttentions;
  return layers[layer].subarray(head * n * m, (head + 1) * n * m);
}

/** Inspects `dir` (a copy of fixture `name`, maybe edited) with the reference's heads and checks them. */
async function checkSteps(name: Seq2SeqFixture, dir: string): Promise<void> {
  const ref = JSON.parse(
    readFileSync(join(HF_FIXTURES, `${name}.steps.json`), 'utf8'),
  ) as Seq2SeqStepsReference;
  const source = seq2seqReference(name);
  const requests: HeadStepsRequest[] = ref.heads.map(({ kind, layer, head }) => ({
    kind,
    layer,
    head,
  }));
  const result = await sharedEngine().inspect(dir, source.source_text, {
    target: { kind: 'given', text: source.given.target_text },
    steps: requests,
  });
  assert.deepEqual(
    result.tokens.map((t) => t.id),
    ref.source_ids,
  );
  assert.deepEqual(
    result.seq2seq?.decoderTokens.map((t) => t.id),
    ref.decoder_ids,
  );
  const steps = result.steps ?? [];
  assert.equal(steps.length, ref.heads.length);
  for (const [i, want] of ref.heads.entries()) {
    const s = steps[i];
    const where = `${name} ${want.kind} layer ${want.layer} head ${want.head}`;
    assert.deepEqual([s.kind, s.layer, s.head], [want.kind, want.layer, want.head]);
    const n = want.kind === 'encoder' ? ref.source_ids.length : ref.decoder_ids.length;
    const m = want.kind === 'decoder' ? n : ref.source_ids.length;
    assert.deepEqual([s.n, s.m], [n, m], `${where}: N × M`);
    assert.ok(Math.abs(s.scale - want.scale) < 1e-6, `${where}: scale ${s.scale} vs ${want.scale}`);
    for (const key of ['q', 'k', 'v', 'scores', 'output'] as const) {
      const expected = Float32Array.from(want[key].flat());
      const diff = maxDiff(s[key], expected);
      // float32 rounding grows with the size of the numbers: Marian's unscaled q·kᵀ reach
      // the hundreds (its graph computes them scaled; the engine divides the scale out).
      const tolerance = 1e-4 * Math.max(1, ...expected.map(Math.abs));
      assert.ok(diff < tolerance, `${where}: ${key} differs from PyTorch by ${diff}`);
    }
    const product = maxDiff(qkT(s.q, s.k, s.n, s.m, s.d), s.scores);
    const largest = Math.max(...s.scores.map(Math.abs));
    assert.ok(product < 1e-4 * (1 + largest), `${where}: scores are not q·kᵀ (${product})`);
    if (want.bias === null) assert.equal(s.bias, null, `${where}: no bias expected`);
    else {
      assert.ok(s.bias, `${where}: the relative position bias is missing`);
      const diff = maxDiff(s.bias, Float32Array.from(want.bias.flat()));
      assert.ok(diff < 1e-4, `${where}: bias differs from PyTorch by ${diff}`);
    }
    const attention = attentionOf(result, want.kind, want.layer, want.head);
    const diff = maxDiff(recomputeAttention(s), attention);
    assert.ok(diff < 1e-4, `${where}: softmax of the steps differs from the attention by ${diff}`);
    // Decoder self-attention is causal; encoder and cross-attention see every source token.
    const maskedCount = s.masked.reduce((a, b) => a + b, 0);
    assert.equal(maskedCount, want.kind === 'decoder' ? (n * (n - 1)) / 2 : 0, `${where}: mask`);
  }
  if (name === 't5-small-tiny') {
    assert.ok(steps.every((s) => s.scale === 1 && s.scaleAt.length === 0));
    assert.ok(steps.filter((s) => s.kind !== 'cross').every((s) => s.bias !== null));
  } else {
    assert.ok(steps.every((s) => s.scaleAt.join() === 'query'));
  }
}

describe('head steps of encoder-decoder models', function () {
  this.timeout(120_000);

  for (const name of SEQ2SEQ_FIXTURES) {
    it(`${name}: enc/dec/cross steps equal PyTorch and reproduce the engine's attention`, () =>
      checkSteps(name, seq2seqDir(name)));
  }

  it("t5-small-tiny with only decoder_model_merged.onnx: the same steps, from the If's no-past branch", async () => {
    const copy = editedCopy('t5-small-tiny', (dir) =>
      rmSync(join(dir, 'onnx', 'decoder_model.onnx')),
    );
    try {
      await checkSteps('t5-small-tiny', copy.dir);
    } finally {
      copy.remove();
    }
  });

  it('refuses a head without a kind, or one the model lacks, naming what to ask for', async () => {
    const dir = seq2seqDir('t5-small-tiny');
    const text = seq2seqReference('t5-small-tiny').source_text;
    await assert.rejects(
      sharedEngine().inspect(dir, text, { steps: [{ layer: 0, head: 1 }] }),
      /encoder-decoder model: say which attention.*enc:0:1, dec:0:1 or cross:0:1/,
    );
    await assert.rejects(
      sharedEngine().inspect(dir, text, { steps: [{ kind: 'cross', layer: 2, head: 0 }] }),
      /no cross layer 2, head 0: this model's decoder \(cross-attention\) has layers 0–1 and heads 0–3/,
    );
    await assert.rejects(
      sharedEngine().runSteps(dir, [1, 2], [{ kind: 'encoder', layer: 0, head: 0 }]),
      /encoder-decoder/,
    );
  });
});
