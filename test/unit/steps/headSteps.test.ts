/**
 * Head steps on the real fixtures in the real onnxruntime-web: the arithmetic reproduces
 * the attention the engine reports, and q, k, v, q·kᵀ and weights·v equal PyTorch's
 * (test/fixtures/hf/<name>.steps.json, tools/fixtures/make_step_references.py).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headSteps } from '../../../src/engine/steps/headSteps';
import type { HeadSteps } from '../../../src/engine/types';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { recomputeAttention, maxDiff, qkT } from './stepsMaths';

interface StepsReference {
  ids: number[];
  layers: {
    scale: number;
    heads: {
      q: number[][];
      k: number[][];
      v: number[][];
      scores: number[][];
      output: number[][];
    }[];
  }[];
}

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const all = (layers: number, heads: number) =>
  Array.from({ length: layers * heads }, (_, i) => ({
    layer: Math.floor(i / heads),
    head: i % heads,
  }));

/** Every head's steps reproduce the engine's own attention for the same ids. */
async function checkAgainstAttention(dir: string, ids: number[]): Promise<HeadSteps[]> {
  const engine = sharedEngine();
  const model = await engine.loadModel(dir);
  const { layers, heads } = model.info;
  const steps = await engine.runSteps(dir, ids, all(layers, heads));
  const { attentions } = await model.runIds(ids);
  for (const s of steps) {
    const n = ids.length;
    const row = attentions[s.layer].subarray(s.head * n * n, (s.head + 1) * n * n);
    assert.ok(
      maxDiff(recomputeAttention(s), row) < 1e-4,
      `layer ${s.layer} head ${s.head}: softmax differs`,
    );
    assert.ok(
      maxDiff(qkT(s.q, s.k, s.n, s.m, s.d), s.scores) <
        1e-4 * (1 + Math.max(...s.scores.map(Math.abs))),
    );
  }
  return steps;
}

describe('head steps', function () {
  this.timeout(120_000);

  it("reproduce the bundled model's attention: causal mask, scale 1/√d in the scores", async () => {
    const ids = [8191, 100, 200, 300, 100, 200, 42, 7];
    const steps = await checkAgainstAttention(BUNDLED, ids);
    const s = steps[5];
    assert.equal(s.d, 32);
    assert.ok(Math.abs(s.scale - 1 / Math.sqrt(32)) < 1e-6);
    assert.deepEqual(s.scaleAt, ['scores']);
    assert.equal(s.bias, null);
    // causal: query i sees keys 0..i only
    for (let i = 0; i < s.n; i++)
      for (let j = 0; j < s.m; j++) assert.equal(s.masked[i * s.m + j], j > i ? 1 : 0);
  });

  for (const name of ['gpt2', 'gpt2-merged', 'bert', 'distilbert', 'roberta', 'llama']) {
    it(`${name}: q, k, v, q·kᵀ and weights·v equal PyTorch; softmax of the steps equals the attention`, async () => {
      const ref = JSON.parse(
        readFileSync(join(HF_FIXTURES, `${name.replace('-merged', '')}.steps.json`), 'utf8'),
      ) as StepsReference;
      const steps = await checkAgainstAttention(join(HF_FIXTURES, name), ref.ids);
      for (const s of steps) {
        const want = ref.layers[s.layer];
        const head = want.heads[s.head];
        const where = `${name} layer ${s.layer} head ${s.head}`;
        assert.ok(
          Math.abs(s.scale - want.scale) < 1e-6,
          `${where}: scale ${s.scale} vs ${want.scale}`,
        );
        for (const key of ['q', 'k', 'v', 'scores', 'output'] as const) {
          assert.ok(
            maxDiff(s[key], Float32Array.from(head[key].flat())) < 1e-4,
            `${where}: ${key} differs from PyTorch`,
          );
        }
        assert.equal(s.bias, null, `${where}: no bias expected`);
      }
      if (name === 'distilbert') assert.deepEqual(steps[0].scaleAt, ['query']);
      if (name === 'llama') assert.deepEqual(steps.map((s) => s.kvHead).slice(0, 4), [0, 0, 1, 1]);
      const causal = name === 'gpt2' || name === 'gpt2-merged' || name === 'llama';
      assert.equal(
        steps[0].masked[1],
        causal ? 1 : 0,
        `${name}: query 0 ${causal ? 'must not' : 'may'} see key 1`,
      );
    });
  }

  it('refuse heads the model does not have, naming the valid range', async () => {
    await assert.rejects(
      sharedEngine().runSteps(BUNDLED, [1, 2], [{ layer: 4, head: 0 }]),
      /layers 0–3 and heads 0–3/,
    );
    await assert.rejects(
      sharedEngine().runSteps(BUNDLED, [1, 2], [{ kind: 'cross', layer: 0, head: 0 }]),
      /cross attention/,
    );
  });
});

describe("headSteps (one layer's tensors → one head)", () => {
  // 2 heads, N = M = 2, d = 1: q = [2, 4] per head, k = [6, 8]; scale 0.25 folded into q and k
  const t = (data: number[], dims: number[]) => ({ data: Float32Array.from(data), dims });
  // the MatMul reads q·0.5 = [1, 2] and k/2 = [3, 4]: its output already holds the 0.25
  const raw = [3, 4, 6, 8, 3, 4, 6, 8];
  const bias = [0.5, -1, 2, 0.25, 0, 0, 0, 0];
  const input = raw.map((x, i) => x + bias[i] + (i === 1 ? -1e9 : 0));
  const layer = {
    query: t([1, 2, 1, 2], [1, 2, 2, 1]),
    keyTransposed: t([3, 4, 3, 4], [1, 2, 1, 2]),
    rawScores: t(raw, [1, 2, 2, 2]),
    softmaxInput: t(input, [1, 2, 2, 2]),
    value: t([1, 1, 1, 1], [1, 2, 2, 1]),
    output: t([1, 1, 1, 1], [1, 2, 2, 1]),
    scales: [
      { value: 0.5, op: 'Mul' as const, at: 'query' as const },
      { value: 2, op: 'Div' as const, at: 'key' as const },
    ],
  };

  it('takes a scale folded into q and k out of the scores and reports it', () => {
    const s = headSteps(layer, { layer: 0, head: 0 }, 2);
    assert.deepEqual([...s.q], [2, 4]);
    assert.deepEqual([...s.k], [6, 8]);
    assert.deepEqual([...s.scores], [12, 16, 24, 32]);
    assert.equal(s.scale, 0.25);
    assert.deepEqual(s.scaleAt, ['query', 'key']);
  });

  it('splits what the softmax adds into a mask (−1e9) and a bias (the rest)', () => {
    const s = headSteps(layer, { layer: 0, head: 0 }, 2);
    assert.deepEqual([...s.masked], [0, 1, 0, 0]);
    assert.deepEqual([...(s.bias ?? [])], [0.5, 0, 2, 0.25]);
    assert.equal(headSteps(layer, { layer: 0, head: 1 }, 2).bias, null);
  });
});
