/**
 * Value norms, head writes and value-weighted attention (issue 24) against PyTorch
 * (tools/fixtures/make_norm_references.py): GPT-2, Llama with grouped-query attention, BERT,
 * DistilBERT and the bundled model, each within 1e-4 of its row's largest value.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadNorms } from '../../../src/engine/attention/headNorms';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstRelativeToRowMax } from './referenceAgreement';
import { inspectUnread, withUnreadProjection } from './unreadProjectionFolder';

interface NormsReference {
  ids: number[];
  layers: { values: number[][]; writes: number[][]; residual: number[] }[];
}

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const CASES: { name: string; dir: string; reference: string }[] = [
  ...['gpt2', 'llama', 'bert', 'distilbert'].map((name) => ({
    name,
    dir: join(HF_FIXTURES, name),
    reference: join(HF_FIXTURES, `${name}.norms.json`),
  })),
  {
    // Optimum's fused graph of gpt2's weights (MultiHeadAttention opened up, SkipLayerNormalization).
    name: 'gpt2-optimized',
    dir: join(HF_FIXTURES, 'gpt2-optimized'),
    reference: join(HF_FIXTURES, 'gpt2.norms.json'),
  },
  // Merged decoders (attention inside an If, kept whole): the norms session runs the
  // no-cache branch inlined (graph/inlineNoCacheBranch.ts); the same weights as gpt2's.
  ...['gpt2-merged', 'gpt2-optimized-merged'].map((name) => ({
    name,
    dir: join(HF_FIXTURES, name),
    reference: join(HF_FIXTURES, 'gpt2.norms.json'),
  })),
  {
    name: 'mini-code-gpt',
    dir: BUNDLED,
    reference: join(ROOT, 'test', 'fixtures', 'norms', 'mini-code-gpt.norms.json'),
  },
];

describe('head norms and writes, against PyTorch', () => {
  for (const { name, dir, reference } of CASES) {
    it(`${name}: ‖v W_O‖, ‖Σ α v W_O‖ and the residual norm within 1e-4 of each row's max`, async () => {
      const expected = JSON.parse(readFileSync(reference, 'utf8')) as NormsReference;
      const model = await sharedEngine().loadModel(dir);
      const { source } = await model.runHeld(expected.ids, 0);
      assert.equal(source.norms, undefined, 'the inspection run computes no norms');
      assert.equal(source.stack.valueNorms, true, 'the panel offers the switch without asking');
      const norms = await source.moves?.norms();
      assert.ok(norms instanceof HeadNorms, `norms: ${String(norms)}`);
      for (const [layer, want] of expected.layers.entries()) {
        const got = norms.writesOf(layer);
        assert.ok(worstRelativeToRowMax(got.values, want.values) <= 1e-4, `layer ${layer} values`);
        assert.ok(worstRelativeToRowMax(got.writes, want.writes) <= 1e-4, `layer ${layer} writes`);
        const relative = want.writes.map((row) => row.map((w, i) => w / want.residual[i]));
        assert.ok(got.relativeWrites, 'the residual stream is found');
        assert.ok(
          worstRelativeToRowMax(got.relativeWrites, relative) <= 1e-4,
          `layer ${layer} relative writes`,
        );
      }
    });
  }

  it('a value-weighted slice is the attention times each key’s value norm; the writes reach the summaries', async () => {
    const engine = sharedEngine();
    const text = readReference(BUNDLED_REFERENCE).text;
    const held = await engine.inspectHeld(BUNDLED, text);
    const expected = readReference(BUNDLED_REFERENCE);
    assert.deepEqual(
      held.tokens.map((t) => t.id),
      expected.ids,
      'the reference ids are the tokenization of its text',
    );
    const n = expected.ids.length;
    const request = { kind: 'encoder' as const, layer: 1, heads: [1], rows: [n - 1] };
    const raw = await engine.slice(held.resultId, request);
    const weighted = await engine.slice(held.resultId, { ...request, weights: 'value-weighted' });
    const values = expected.layers[1].values[1];
    const want = values.map((v, j) => v * raw[j]);
    assert.ok(worstRelativeToRowMax(weighted, [want]) <= 1e-4);
    const overview = await engine.overview(held.resultId, 'encoder', 1);
    assert.equal(overview.writes?.relative, true);
    for (const [head, writes] of expected.layers[1].writes.entries()) {
      const mean =
        writes.reduce((sum, w, i) => sum + w / expected.layers[1].residual[i], 0) / writes.length;
      const got = overview.writes?.mean[head] ?? Number.NaN;
      assert.ok(Math.abs(got - mean) <= 1e-4 * mean, `head ${head}`);
    }
  });

  it('a graph whose output projection is not read says why value-weighted attention is missing', async () => {
    const engine = sharedEngine();
    // A MatMulBnb4 W_O with transB 0, which the engine does not read (unreadProjectionFolder.ts).
    await withUnreadProjection(async (dir) => {
      const held = await inspectUnread(engine, dir);
      await assert.rejects(
        engine.slice(held.resultId, { kind: 'encoder', layer: 0, weights: 'value-weighted' }),
        /not available for this result: the output projection after the heads are merged \(a MatMul or Gemm with constant weights, or a 4-bit MatMulNBits or MatMulBnb4 as ONNX Runtime runs it\) was not found/,
      );
    });
  });
});

const BUNDLED_REFERENCE = join(ROOT, 'test', 'fixtures', 'norms', 'mini-code-gpt.norms.json');

function readReference(path: string): NormsReference & { text: string } {
  return JSON.parse(readFileSync(path, 'utf8')) as NormsReference & { text: string };
}

describe('the bundled model’s sink head, value-weighted (issue 24)', () => {
  it('L1 H1 keeps about two thirds of its first-token weight: ‖f(x₀)‖ is a third of a typical token’s', async () => {
    const engine = sharedEngine();
    const text = readFileSync(join(ROOT, 'test', 'fixtures', 'norms', 'sink-code.py'), 'utf8');
    const held = await engine.inspectHeld(BUNDLED, text);
    const n = held.tokens.length;
    const request = { kind: 'encoder' as const, layer: 1, heads: [1] };
    const raw = await engine.slice(held.resultId, request);
    const weighted = await engine.slice(held.resultId, { ...request, weights: 'value-weighted' });
    let rawShare = 0;
    let weightedShare = 0;
    for (let i = 1; i < n; i++) {
      let total = 0;
      for (let j = 0; j < n; j++) total += weighted[i * n + j];
      rawShare += raw[i * n] / (n - 1);
      weightedShare += weighted[i * n] / total / (n - 1);
    }
    // Measured (docs in models/mini-code-gpt/MODEL_CARD.md): 0.244 of the weight, 0.161 of
    // what the head moves.
    assert.ok(Math.abs(rawShare - 0.244) < 0.005, `raw first-token share ${rawShare}`);
    assert.ok(Math.abs(weightedShare - 0.161) < 0.005, `value-weighted share ${weightedShare}`);
  });
});
