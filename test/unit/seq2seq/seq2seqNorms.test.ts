/**
 * Value norms and head writes of the encoder-decoder fixtures (issue 24), computed on demand
 * for the encoder, decoder and cross-attention stacks, against PyTorch
 * (test/fixtures/hf/<name>.norms.json, tools/fixtures/make_seq2seq_norm_references.py):
 * each within 1e-4 of its row's largest value, relative writes included; a value-weighted
 * slice is the attention times the value norms.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttentionKind } from '../../../src/engine/types';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { runCli } from '../cli/runCli';
import { SEQ2SEQ_FIXTURES, seq2seqDir, seq2seqReference } from './seq2seqFixtures';
import { worstRelativeToRowMax } from '../attention/referenceAgreement';

interface LayerReference {
  values: number[][];
  writes: number[][];
  residual: number[];
}

type NormsReference = { source_ids: number[]; decoder_ids: number[] } & Record<
  AttentionKind,
  LayerReference[]
>;

describe('encoder-decoder norms on demand, against PyTorch (issue 24)', () => {
  for (const name of SEQ2SEQ_FIXTURES) {
    it(`${name}: encoder, decoder and cross ‖v W_O‖, ‖Σ α v W_O‖ and relative writes within 1e-4`, async () => {
      const ref = JSON.parse(
        readFileSync(join(HF_FIXTURES, `${name}.norms.json`), 'utf8'),
      ) as NormsReference;
      const source = seq2seqReference(name);
      const engine = sharedEngine();
      const held = await engine.inspectHeld(seq2seqDir(name), source.source_text, {
        target: { kind: 'given', text: source.given.target_text },
      });
      assert.deepEqual(
        held.tokens.map((t) => t.id),
        ref.source_ids,
      );
      assert.deepEqual(
        held.seq2seq?.decoderTokens.map((t) => t.id),
        ref.decoder_ids,
      );
      for (const kind of ['encoder', 'decoder', 'cross'] as const) {
        assert.equal(held.stacks.find((s) => s.kind === kind)?.valueNorms, true, kind);
        for (const [layer, want] of ref[kind].entries()) {
          const got = await engine.headWrites(held.resultId, kind, layer);
          const at = `${kind} layer ${layer}`;
          assert.ok(worstRelativeToRowMax(got.values, want.values) <= 1e-4, `${at} values`);
          assert.ok(worstRelativeToRowMax(got.writes, want.writes) <= 1e-4, `${at} writes`);
          const relative = want.writes.map((row) => row.map((w, i) => w / want.residual[i]));
          assert.ok(got.relativeWrites, `${at}: the residual stream is found`);
          assert.ok(worstRelativeToRowMax(got.relativeWrites, relative) <= 1e-4, `${at} relative`);
        }
      }
      const request = { kind: 'cross' as const, layer: 1, heads: [2] };
      const raw = await engine.slice(held.resultId, request);
      const weighted = await engine.slice(held.resultId, { ...request, weights: 'value-weighted' });
      const values = ref.cross[1].values[2];
      const want = Array.from({ length: ref.decoder_ids.length }, (_, i) =>
        values.map((v, j) => v * raw[i * values.length + j]),
      );
      assert.ok(worstRelativeToRowMax(weighted, want) <= 1e-4, 'value-weighted cross slice');
    });
  }

  it('CLI --norms names them per stack (encoder_, decoder_, cross_) with PyTorch’s numbers', async () => {
    const name = 'opus-mt-tiny';
    const ref = JSON.parse(
      readFileSync(join(HF_FIXTURES, `${name}.norms.json`), 'utf8'),
    ) as NormsReference;
    const source = seq2seqReference(name);
    const { code, stdout, stderr } = await runCli([
      '--model',
      seq2seqDir(name),
      '--text',
      source.source_text,
      '--target-text',
      source.given.target_text,
      '--norms',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Record<string, number[][][][] | number[][][]>;
    for (const kind of ['encoder', 'decoder', 'cross'] as const) {
      const writes = doc[`${kind}_head_output_norms`] as number[][][];
      const weighted = doc[`${kind}_attention_norms`] as number[][][][];
      const attentions = doc[`${kind}_attentions`] as number[][][][];
      for (const [layer, want] of ref[kind].entries()) {
        const flat = Float32Array.from(writes[layer].flat());
        assert.ok(worstRelativeToRowMax(flat, want.writes) <= 1e-4, `${kind} ${layer} writes`);
        for (const [head, values] of want.values.entries()) {
          const expected = attentions[layer][head].map((row) => row.map((a, j) => a * values[j]));
          const got = Float32Array.from(weighted[layer][head].flat());
          assert.ok(worstRelativeToRowMax(got, expected) <= 1e-4, `${kind} ${layer} ${head}`);
        }
      }
    }
  });
});
