/**
 * The mean and maximum over a layer's heads computed in the engine (`acrossHeads`, issue 22)
 * on a 2,048-token result of the long-context Llama fixture: the whole combined layer, a
 * tile, a block picture and a row each equal the same cut of the per-head slices combined
 * the way the webview combines a short result's layer (src/shared/headAggregates.ts), within
 * 1e-6, value-weighted row shares included; nonsense is refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineRunError } from '../../../src/engine/errors';
import type { AttentionSliceRequest } from '../../../src/engine/types';
import { maxOverHeads, meanOverHeads } from '../../../src/shared/headAggregates';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstDifference } from './referenceAgreement';

const LONG = join(HF_FIXTURES, 'llama-long');
const TOKENS = 2048;
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n'.repeat(300);

/** Rows `[r0, r1)` × columns `[c0, c1)` of an `n`-column matrix, blocks of `block` reduced. */
function cut(
  m: Float32Array,
  cols: number,
  [r0, r1]: [number, number],
  [c0, c1]: [number, number],
  block = 1,
  reduce: 'mean' | 'max' = 'mean',
): Float32Array {
  const out: number[] = [];
  for (let r = r0; r < r1; r += block) {
    for (let c = c0; c < c1; c += block) {
      let sum = 0;
      let max = 0;
      let count = 0;
      for (let i = r; i < Math.min(r + block, r1); i++) {
        for (let j = c; j < Math.min(c + block, c1); j++) {
          sum += m[i * cols + j];
          max = Math.max(max, m[i * cols + j]);
          count++;
        }
      }
      out.push(reduce === 'max' ? max : sum / count);
    }
  }
  return Float32Array.from(out);
}

describe('the mean and max over heads, at view resolution (2,048 tokens)', function () {
  this.timeout(300_000);
  let resultId = 0;
  let heads = 0;

  before(async () => {
    const held = await sharedEngine().inspectHeld(LONG, TEXT, { maxTokens: TOKENS });
    resultId = held.resultId;
    const [stack] = held.stacks;
    assert.equal(stack.rows, TOKENS, 'the text fills the context');
    heads = stack.heads;
  });
  after(() => sharedEngine().release(resultId));

  for (const weights of ['attention', 'value-weighted'] as const) {
    it(`${weights}: a whole layer, a tile, a block picture and a row equal the per-head slices combined`, async () => {
      const engine = sharedEngine();
      const base: AttentionSliceRequest = {
        kind: 'encoder',
        layer: 1,
        ...(weights === 'value-weighted' ? { weights, rowShares: true } : {}),
      };
      const perHead = await engine.slice(resultId, base);
      assert.equal(perHead.length, heads * TOKENS * TOKENS);
      const combined = {
        mean: meanOverHeads(perHead, TOKENS, heads).data,
        max: maxOverHeads(perHead, TOKENS, heads).data,
      };
      const all: [number, number] = [0, TOKENS];
      for (const across of ['mean', 'max'] as const) {
        const want = combined[across];
        const ask = (more: Partial<AttentionSliceRequest>) =>
          engine.slice(resultId, { ...base, acrossHeads: across, ...more });
        const whole = await ask({});
        assert.ok(worstDifference(whole, want) <= 1e-6, `${across}: whole layer`);
        const tile = await ask({
          rows: { start: 1536, end: 1664 },
          cols: { start: 1408, end: 1536 },
        });
        const wantTile = cut(want, TOKENS, [1536, 1664], [1408, 1536]);
        assert.ok(worstDifference(tile, wantTile) <= 1e-6, `${across}: tile`);
        const picture = await ask({ rows: { start: 0, end: TOKENS }, block: 4, reduce: 'max' });
        const wantPicture = cut(want, TOKENS, all, all, 4, 'max');
        assert.ok(worstDifference(picture, wantPicture) <= 1e-6, `${across}: block maxima`);
        const row = await ask({ rows: [TOKENS - 3] });
        const wantRow = want.subarray((TOKENS - 3) * TOKENS, (TOKENS - 2) * TOKENS);
        assert.ok(worstDifference(row, wantRow) <= 1e-6, `${across}: row`);
        // The heads asked for are the ones combined.
        const two = await ask({ heads: [0, 2], rows: [700] });
        const h = (k: number) =>
          perHead.subarray((k * TOKENS + 700) * TOKENS, (k * TOKENS + 701) * TOKENS);
        const wantTwo = h(0).map((w, j) =>
          across === 'max' ? Math.max(w, h(2)[j]) : (w + h(2)[j]) / 2,
        );
        assert.ok(worstDifference(two, wantTwo) <= 1e-6, `${across}: heads 0 and 2`);
      }
      // The mean of attention rows (and of row shares) is still a distribution; the max is not.
      const meanRow = await engine.slice(resultId, { ...base, acrossHeads: 'mean', rows: [1999] });
      const sum = meanRow.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `mean row sums to ${sum}`);
    });
  }

  it('refuses a combination that is not mean or max', async () => {
    await assert.rejects(
      sharedEngine().slice(resultId, {
        kind: 'encoder',
        layer: 0,
        rows: [3],
        acrossHeads: 'median' as 'mean',
      }),
      (error: unknown) =>
        error instanceof EngineRunError &&
        error.code === 'badInput' &&
        /no combination of heads "median"/.test(error.message),
    );
  });
});
