/**
 * The logit lens (issue 24) against PyTorch (tools/fixtures/make_norm_references.py): per
 * layer and position the top 5 of softmax(unembed(final norm(residual after the layer))) for
 * GPT-2 (LayerNorm), Llama (RMSNorm, grouped-query attention) and the bundled model; the last
 * layer is the model's own predictions. Graphs without a lens say why.
 */
import { everyRow } from '../../../src/engine/inference/nextTokens';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { LogitLens } from '../../../src/engine/attention/logitLens';
import { worstLensDifference } from './referenceAgreement';

interface LensReference {
  ids: number[];
  lens: { id: number; prob: number }[][][];
}

const CASES = [
  { name: 'gpt2', dir: join(HF_FIXTURES, 'gpt2'), reference: join(HF_FIXTURES, 'gpt2.norms.json') },
  {
    // Optimum's fused graph of gpt2's weights: the final norm is a SkipLayerNormalization.
    name: 'gpt2-optimized',
    dir: join(HF_FIXTURES, 'gpt2-optimized'),
    reference: join(HF_FIXTURES, 'gpt2.norms.json'),
  },
  // Merged decoders (attention inside an If, kept whole): the lens of the no-cache branch.
  // Their run's predictions come from the logits through a separate small graph
  // (predictionGraph.ts), the lens's from inside the model's: the same ids, probabilities
  // within float32 rounding.
  ...['gpt2-merged', 'gpt2-optimized-merged'].map((name) => ({
    name,
    dir: join(HF_FIXTURES, name),
    reference: join(HF_FIXTURES, 'gpt2.norms.json'),
    rounding: 1e-6,
  })),
  {
    name: 'llama',
    dir: join(HF_FIXTURES, 'llama'),
    reference: join(HF_FIXTURES, 'llama.norms.json'),
  },
  {
    name: 'mini-code-gpt',
    dir: join(ROOT, 'models', 'mini-code-gpt'),
    reference: join(ROOT, 'test', 'fixtures', 'norms', 'mini-code-gpt.norms.json'),
  },
];
const K = 5;

describe('the logit lens, against PyTorch', () => {
  for (const { name, dir, reference, rounding } of CASES as ((typeof CASES)[number] & {
    rounding?: number;
  })[]) {
    it(`${name}: each layer's top ${K} at every position equal PyTorch's (ids; probabilities within 1e-4 of the row's top)`, async () => {
      const expected = JSON.parse(readFileSync(reference, 'utf8')) as LensReference;
      const model = await sharedEngine().loadModel(dir);
      const { source } = await model.runHeld(expected.ids, K);
      const predictions = await everyRow(source.predictions, expected.ids.length, K);
      assert.equal(source.lens, undefined, 'the inspection run reads no lens');
      const lens = await source.moves?.lens();
      assert.ok(lens instanceof LogitLens, `lens: ${String(lens)}`);
      const table = await lens.all(K);
      const worst = worstLensDifference(table, expected.lens);
      for (const [position, layers] of table.entries()) {
        const last = layers[layers.length - 1].predictions;
        const own = predictions?.[position] ?? [];
        if (rounding === undefined) {
          assert.deepEqual(last, own, `the last layer is the model's own, position ${position}`);
        } else {
          assert.deepEqual(
            last.map((p) => [p.id, p.text]),
            own.map((p) => [p.id, p.text]),
          );
          for (const [r, p] of last.entries()) {
            assert.ok(Math.abs(p.prob - own[r].prob) <= rounding, `position ${position}`);
          }
        }
      }
      assert.ok(worst <= 1e-4, `worst probability difference ${worst} of the top`);
    });
  }

  it('a model-builder graph (fused SkipSimplifiedLayerNormalization): the last layer is the model’s own', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(join(HF_FIXTURES, 'gqa-llama'), 'the cat sat on', {
      topK: K,
    });
    for (let position = 0; position < held.tokens.length; position++) {
      const lens = await engine.logitLens(held.resultId, position, K);
      assert.equal(lens.length, held.model.layers);
      const [own] = await engine.predictions(held.resultId, [position], K);
      assert.deepEqual(lens[lens.length - 1].predictions, own);
    }
  });

  // Half precision has a lens since the lens reads float16 streams (quantisedNorms.test.ts).
  it('says why a graph has no lens: an encoder', async () => {
    const engine = sharedEngine();
    for (const [folder, variant, why] of [
      [
        'bert',
        undefined,
        /not available for this result: it reads next-token predictions, which an encoder does not make/,
      ],
    ] as const) {
      const held = await engine.inspectHeld(join(HF_FIXTURES, folder), 'the cat sat', {
        maxTokens: 8,
        ...(variant ? { variant } : {}),
      });
      await assert.rejects(engine.logitLens(held.resultId, 0, K), why, folder);
    }
  });
});
