/**
 * Encoder-decoder folders (a Marian opus-mt style and a T5 style export) open without a
 * manifest, and the engine's encoder self-, decoder self- and cross-attention match
 * PyTorch's within 1e-4, for a typed target and for greedy decoding, with the real
 * onnxruntime-web. The texts are tokenized by the engine (the reference's ids come from
 * the SentencePiece model the tokenizer.json was converted from).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_NEW_TOKENS } from '../../../src/engine/types';
import { sharedEngine } from '../engine/fixtures';
import {
  editJson,
  editedCopy,
  maxAbsDiff,
  SEQ2SEQ_FIXTURES,
  seq2seqDir,
  seq2seqReference,
} from './seq2seqFixtures';

const TOLERANCE = 1e-4;

for (const name of SEQ2SEQ_FIXTURES) {
  describe(`encoder-decoder ${name}: attention vs PyTorch`, () => {
    const ref = seq2seqReference(name);

    it('a given target: source tokens, decoder tokens and the three kinds of attention', async () => {
      const result = await sharedEngine().inspect(seq2seqDir(name), ref.source_text, {
        target: { kind: 'given', text: ref.given.target_text },
      });
      assert.equal(result.model.architecture, 'encoder-decoder');
      assert.deepEqual(
        result.tokens.map((t) => t.id),
        ref.source_ids,
      );
      const last = result.tokens[result.tokens.length - 1]!;
      assert.deepEqual(
        [last.text, last.special, last.start, last.end],
        ['</s>', true, ref.source_text.length, ref.source_text.length],
      );
      const seq2seq = result.seq2seq!;
      assert.deepEqual(seq2seq.target, { kind: 'given', text: ref.given.target_text });
      assert.deepEqual(
        seq2seq.decoderTokens.map((t) => t.id),
        ref.given.decoder_ids,
      );
      assert.equal(seq2seq.decoderTokens[0]!.special, true);
      assert.equal(seq2seq.decoderLayers, 2);
      assert.equal(seq2seq.decoderHeads, 4);
      const s = ref.source_ids.length;
      const t = ref.given.decoder_ids.length;
      assert.equal(seq2seq.crossAttentions[0]!.length, 4 * t * s);
      for (const [ours, theirs, what] of [
        [result.attentions, ref.encoder_attentions, 'encoder'],
        [seq2seq.decoderAttentions, ref.given.decoder_attentions, 'decoder'],
        [seq2seq.crossAttentions, ref.given.cross_attentions, 'cross'],
      ] as const) {
        const diff = maxAbsDiff(ours, theirs);
        assert.ok(diff <= TOLERANCE, `${what}: max |engine − PyTorch| = ${diff}`);
      }
    });

    it('greedy decoding: the same ids as PyTorch, and the final pass attention', async () => {
      const max = ref.greedy.max_new_tokens;
      const result = await sharedEngine().inspect(seq2seqDir(name), ref.source_text, {
        target: { kind: 'greedy', maxNewTokens: max },
      });
      const seq2seq = result.seq2seq!;
      assert.deepEqual(seq2seq.target, {
        kind: 'greedy',
        maxNewTokens: max,
        stoppedAtEos: ref.greedy.stopped_at_eos,
      });
      assert.deepEqual(
        seq2seq.decoderTokens.map((t) => t.id),
        ref.greedy.decoder_ids,
      );
      assert.ok(maxAbsDiff(result.attentions, ref.encoder_attentions) <= TOLERANCE);
      const self = maxAbsDiff(seq2seq.decoderAttentions, ref.greedy.decoder_attentions);
      const cross = maxAbsDiff(seq2seq.crossAttentions, ref.greedy.cross_attentions);
      assert.ok(self <= TOLERANCE && cross <= TOLERANCE, `decoder ${self}, cross ${cross}`);
    });
  });
}

describe('encoder-decoder: generation details', () => {
  it('greedy decoding stops at EOS (eos_token_id set to a token the model generates), with the prefix attention', async () => {
    const ref = seq2seqReference('t5-small-tiny');
    const stopAt = 3;
    const eos = ref.greedy.decoder_ids[stopAt]!;
    const copy = editedCopy('t5-small-tiny', (dir) =>
      editJson(dir, 'generation_config.json', (g) => (g.eos_token_id = eos)),
    );
    try {
      const result = await sharedEngine().inspect(copy.dir, ref.source_text, {
        target: { kind: 'greedy', maxNewTokens: 12 },
      });
      const seq2seq = result.seq2seq!;
      assert.deepEqual(
        seq2seq.decoderTokens.map((t) => t.id),
        ref.greedy.decoder_ids.slice(0, stopAt + 1),
      );
      assert.deepEqual(seq2seq.target, { kind: 'greedy', maxNewTokens: 12, stoppedAtEos: true });
      assert.equal(seq2seq.decoderTokens[stopAt]!.special, true);
      // The decoder is causal: the attention of a prefix is the top-left of the longer run's.
      const t = stopAt + 1;
      const s = ref.source_ids.length;
      assert.ok(
        maxAbsDiff(
          seq2seq.decoderAttentions,
          ref.greedy.decoder_attentions.map((l) =>
            l.map((h) => h.slice(0, t).map((r) => r.slice(0, t))),
          ),
        ) <= TOLERANCE,
      );
      assert.ok(
        maxAbsDiff(
          seq2seq.crossAttentions,
          ref.greedy.cross_attentions.map((l) => l.map((h) => h.slice(0, t))),
          t,
          s,
        ) <= TOLERANCE,
      );
    } finally {
      copy.remove();
    }
  });

  it('greedy is the default target, with the default limit of new tokens', async () => {
    const ref = seq2seqReference('opus-mt-tiny');
    const result = await sharedEngine().inspect(seq2seqDir('opus-mt-tiny'), ref.source_text);
    const seq2seq = result.seq2seq!;
    assert.deepEqual(seq2seq.target, {
      kind: 'greedy',
      maxNewTokens: DEFAULT_MAX_NEW_TOKENS,
      stoppedAtEos: false,
    });
    assert.equal(seq2seq.decoderTokens.length, 1 + DEFAULT_MAX_NEW_TOKENS);
    // Marian never generates <pad> (its decoder start token): generation_config.json bad_words_ids.
    assert.ok(seq2seq.decoderTokens.slice(1).every((t) => t.id !== ref.greedy.decoder_ids[0]));
  });

  it('runs the no-cache branch of decoder_model_merged.onnx when it is the only decoder, with the same numbers', async () => {
    const ref = seq2seqReference('t5-small-tiny');
    const copy = editedCopy('t5-small-tiny', (dir) =>
      rmSync(join(dir, 'onnx', 'decoder_model.onnx')),
    );
    try {
      const result = await sharedEngine().inspect(copy.dir, ref.source_text, {
        target: { kind: 'given', text: ref.given.target_text },
      });
      assert.equal(result.model.decoderGraphFile, 'onnx/decoder_model_merged.onnx');
      assert.match(
        result.model.notes?.join(' ') ?? '',
        /merged decoder: attention is read from both branches of its If "optimum::if"/,
      );
      const seq2seq = result.seq2seq!;
      assert.ok(maxAbsDiff(seq2seq.decoderAttentions, ref.given.decoder_attentions) <= TOLERANCE);
      assert.ok(maxAbsDiff(seq2seq.crossAttentions, ref.given.cross_attentions) <= TOLERANCE);
    } finally {
      copy.remove();
    }
  });

  it('pairs graphs of one precision: with only an fp16 decoder, the fp16 encoder feeds it', async () => {
    const ref = seq2seqReference('t5-small-tiny');
    const copy = editedCopy('t5-small-tiny', (dir) => {
      rmSync(join(dir, 'onnx', 'decoder_model.onnx'));
      rmSync(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    });
    try {
      const result = await sharedEngine().inspect(copy.dir, ref.source_text);
      assert.equal(result.model.graphFile, 'onnx/encoder_model_fp16.onnx');
      assert.equal(result.model.decoderGraphFile, 'onnx/decoder_model_fp16.onnx');
      assert.match(
        result.model.notes?.join(' ') ?? '',
        /encoder_model_fp16\.onnx has fp16 weights/,
      );
      assert.ok(result.seq2seq!.decoderTokens.length > 1);
    } finally {
      copy.remove();
    }
  });

  it('names the graphs it runs and never the with-past decoder', async () => {
    const model = await sharedEngine().loadAnyModel(seq2seqDir('opus-mt-tiny'));
    assert.equal(model.info.graphFile, 'encoder_model.onnx');
    assert.equal(model.info.decoderGraphFile, 'decoder_model.onnx');
    assert.equal(model.info.decoderLayers, 2);
  });

  it('refuses an empty target text and a silly token limit, saying what to do', async () => {
    const dir = seq2seqDir('opus-mt-tiny');
    await assert.rejects(
      sharedEngine().inspect(dir, 'Hello', { target: { kind: 'given', text: '  ' } }),
      /target text is empty/,
    );
    await assert.rejects(
      sharedEngine().inspect(dir, 'Hello', { target: { kind: 'greedy', maxNewTokens: 0 } }),
      /maxNewTokens must be a whole number/,
    );
  });
});
