/**
 * Value norms and head writes from the values the inspection's run held (issue 24, item 5):
 * every family's equal the second session's (the norm nodes in the model's own graph) within
 * 1e-5 of each row's largest value, a layer's part is computed only when asked, the held
 * values are counted in the result's bytes, and a model whose values cannot be held says so
 * and falls back to the second session. PyTorch references: test/unit/attention/headNorms.test.ts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HeadNorms } from '../../../src/engine/attention/headNorms';
import { Engine } from '../../../src/engine/engine';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { WhatMovesSession } from '../../../src/engine/inference/whatMovesSession';
import { ROOT, sharedEngine } from '../engine/fixtures';
import type { GraphVariant } from '../../../src/engine/folder/onnxGraphFiles';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstRelative } from '../attention/referenceAgreement';

const CASES = [
  { name: 'mini-code-gpt', dir: join(ROOT, 'models', 'mini-code-gpt') },
  { name: 'gpt2 (Conv1D biases)', dir: join(HF_FIXTURES, 'gpt2') },
  { name: 'gpt2-optimized (SkipLayerNormalization)', dir: join(HF_FIXTURES, 'gpt2-optimized') },
  { name: 'llama (grouped-query attention)', dir: join(HF_FIXTURES, 'llama') },
  { name: 'gqa-llama (model builder GroupQueryAttention)', dir: join(HF_FIXTURES, 'gqa-llama') },
  // W_O a MatMulNBits: held dequantised in TypeScript, the second session's as an initializer.
  ...(['q4', 'q4f16'] as const).map((variant) => ({
    name: `gqa-llama ${variant} (MatMulNBits)`,
    dir: join(HF_FIXTURES, 'gqa-llama'),
    variant,
  })),
  { name: 'bert', dir: join(HF_FIXTURES, 'bert') },
  { name: 'distilbert', dir: join(HF_FIXTURES, 'distilbert') },
];

/** Token ids every fixture's vocabulary has. */
const IDS = Array.from({ length: 12 }, (_, i) => 3 + i * 7);

describe('value norms from held values (issue 24, item 5)', () => {
  for (const { name, dir, variant } of CASES as ((typeof CASES)[number] & {
    variant?: GraphVariant;
  })[]) {
    it(`${name}: equal the second session's within 1e-5 of each row's max`, async () => {
      const model = await sharedEngine().loadModel(dir, variant);
      const ids = IDS;
      const { source } = await model.runHeld(ids, 0);
      assert.ok(source.moves?.layer, 'the run held its values');
      const held = await source.moves.norms();
      const session = new WhatMovesSession(nodeModelFiles(dir), variant);
      const spell = (id: number) => model.spell(id);
      const second = await session.onDemand(ids, source.stack, spell).norms();
      await session.release();
      assert.ok(held instanceof HeadNorms && second instanceof HeadNorms, String(second));
      const n = ids.length;
      for (let layer = 0; layer < source.stack.layers; layer++) {
        const got = held.writesOf(layer);
        const want = second.writesOf(layer);
        assert.ok(worstRelative(got.values, want.values, n) <= 1e-5, `layer ${layer} values`);
        assert.ok(worstRelative(got.writes, want.writes, n) <= 1e-5, `layer ${layer} writes`);
        assert.ok(got.relativeWrites && want.relativeWrites, 'the residual norms are held');
        const relative = worstRelative(got.relativeWrites, want.relativeWrites, n);
        assert.ok(relative <= 1e-5, `layer ${layer} relative writes`);
      }
    });
  }

  it('a value-weighted slice computes its heads’ values only; held values count in the bytes', async () => {
    const engine = sharedEngine();
    const dir = join(HF_FIXTURES, 'llama');
    const model = await engine.loadModel(dir);
    const ids = IDS.slice(0, 10);
    const { source } = await model.runHeld(ids, 0);
    const norms = await source.moves?.layer?.(1, 'values', [3]);
    assert.ok(norms instanceof HeadNorms);
    assert.ok(norms.has(1, 'values', [3]));
    assert.ok(!norms.has(1, 'values') && !norms.has(1, 'values', [0]), 'no other head computed');
    assert.ok(!norms.has(1, 'writes') && !norms.has(0, 'values'), 'nothing else computed');
    const one = new Float32Array(ids.length);
    norms.valueWeight(1, [3], 1, one.fill(1));
    await source.moves?.layer?.(1, 'writes');
    assert.ok(norms.has(1, 'values') && norms.has(1, 'writes'));
    const every = norms.writesOf(1).values.subarray(3 * ids.length, 4 * ids.length);
    assert.ok(worstRelative(one, every, ids.length) <= 1e-6, 'one head as in the whole layer');
    // q and kᵀ (after the repeat) as before, plus the value before it and one residual norm a token.
    const { layers, heads } = source.stack;
    const n = ids.length;
    const config = model.folder.manifest;
    const d = config.hiddenSize / heads;
    const kvHeads = 2;
    const attention = layers * (heads + heads) * n * d * 4;
    assert.equal(source.bytes, attention + layers * (kvHeads * n * d + n) * 4);
  });

  it('a half-precision W_O is held too (read once as float32): no second session, no note', async () => {
    const engine = sharedEngine();
    const dir = join(HF_FIXTURES, 'llama');
    const held = await engine.inspectHeld(dir, 'the cat sat', { maxTokens: 8, variant: 'fp16' });
    assert.ok(
      !held.model.notes?.some((note) => /computed by a second session/.test(note)),
      String(held.model.notes),
    );
    const request = { kind: 'encoder' as const, layer: 1, heads: [0], rows: [2] };
    const raw = await engine.slice(held.resultId, request);
    const weighted = await engine.slice(held.resultId, { ...request, weights: 'value-weighted' });
    const writes = await engine.headWrites(held.resultId, 'encoder', 1);
    const want = Float32Array.from(raw, (a, j) => a * writes.values[j]);
    assert.ok(worstRelative(weighted, want, raw.length) <= 1e-6);
  });

  it('a released model’s results still compute their norms; the lens says the model is gone', async () => {
    sharedEngine(); // onnxruntime configured; a fresh engine so that the shared one keeps its model
    const engine = new Engine(nodeModelFiles);
    const model = await engine.loadModel(join(ROOT, 'models', 'mini-code-gpt'));
    const { source } = await model.runHeld([1, 5, 7, 2], 0);
    await model.release();
    assert.ok((await source.moves?.norms()) instanceof HeadNorms);
    await assert.rejects(source.moves?.lens() ?? Promise.resolve(), /was unloaded/);
  });
});
