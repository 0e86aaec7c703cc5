import assert from 'node:assert/strict';
import fc from 'fast-check';
import { topPredictions } from '../../../src/engine/inference/predictionGraph';
import { join } from 'node:path';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { sharedEngine } from './fixtures';

/** Per row the k largest softmax probabilities in float64, as a textbook writes it. */
function reference(
  logits: Float32Array,
  rows: number,
  k: number,
): { id: number; prob: number }[][] {
  const vocab = logits.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    const row = Array.from(logits.subarray(r * vocab, (r + 1) * vocab));
    const max = Math.max(...row);
    const sum = row.reduce((s, x) => s + Math.exp(x - max), 0);
    return row
      .map((x, id) => ({ id, prob: Math.exp(x - max) / sum }))
      .sort((a, b) => b.prob - a.prob || a.id - b.id)
      .slice(0, k);
  });
}

describe('next-token predictions (Softmax + TopK in onnxruntime-web)', () => {
  before(() => sharedEngine());

  it('equal the k largest softmax probabilities of each row, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 300 }),
        fc.integer({ min: 1, max: 8 }),
        // Logits far from 0 too: a softmax without the max subtracted overflows at ~89.
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (rows, vocab, k, offset, seed) => {
          let state = seed;
          const logits = Float32Array.from({ length: rows * vocab }, () => {
            state = (state * 1103515245 + 12345) % 2 ** 31;
            return offset + (state / 2 ** 31) * 20 - 10;
          });
          const got = await topPredictions(logits, rows, k, (id) => `t${id}`);
          const want = reference(logits, rows, Math.min(k, vocab));
          assert.equal(got.length, rows);
          got.forEach((row, r) => {
            assert.equal(row.length, want[r].length);
            row.forEach((p, i) => {
              assert.ok(Math.abs(p.prob - want[r][i].prob) < 1e-5, `row ${r} rank ${i}`);
              // Near-ties may swap ranks; the id must then carry the same logit.
              const vocabRow = logits.subarray(r * vocab, (r + 1) * vocab);
              assert.ok(Math.abs(vocabRow[p.id] - vocabRow[want[r][i].id]) < 1e-4);
              assert.equal(p.text, `t${p.id}`);
            });
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('come from float16 logits too (the llama fp16 export): they used to stop the run', async () => {
    const result = await sharedEngine().inspect(join(HF_FIXTURES, 'llama'), 'def add(a, b):', {
      variant: 'fp16',
      topK: 3,
    });
    assert.equal(result.model.graphFile, 'onnx/model_fp16.onnx');
    assert.equal(result.predictions?.length, result.tokens.length);
    for (const row of result.predictions ?? []) {
      assert.equal(row.length, 3);
      assert.ok(row[0].prob >= row[1].prob && row[1].prob >= row[2].prob);
      assert.ok(row[0].prob + row[1].prob + row[2].prob <= 1 + 1e-6);
    }
  });

  it('give a row of equal logits equal probabilities 1 / vocab', async () => {
    const got = await topPredictions(new Float32Array(64).fill(3), 1, 4, String);
    for (const p of got[0]) assert.ok(Math.abs(p.prob - 1 / 64) < 1e-7);
  });
});
