/**
 * The matrix view's tiles of a long result's mean and max over heads (webview/headTiles.ts):
 * value-weighted, the rows it asks for carry `acrossHeads`, `weights` and `rowShares` (never a
 * list of heads), and what the real engine answers is the mean or max of each head's row
 * shares, as the webview combines a short result's layer.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AttentionSliceRequest } from '../../../src/engine/types';
import { maxOverHeads, meanOverHeads } from '../../../src/shared/headAggregates';
import { HeadTiles, TILED_ABOVE, type TileTarget } from '../../../webview/headTiles';
import { toRowShares } from '../../../src/engine/attention/valueWeightedOverview';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const LONG = join(HF_FIXTURES, 'llama-long');

describe('tiles of the mean and max over heads, value-weighted', function () {
  this.timeout(300_000);

  it('ask the engine for combined row shares and get each head’s shares combined', async () => {
    const engine = sharedEngine();
    const text = 'x = [i * 2 for i in range(10)]\n'.repeat(120);
    const held = await engine.inspectHeld(LONG, text, { maxTokens: TILED_ABOVE + 100 });
    const [{ rows: n, heads }] = held.stacks;
    assert.ok(n > TILED_ABOVE, `${n} tokens`);
    const asked: AttentionSliceRequest[] = [];
    let arrived: () => void = () => undefined;
    const tiles = new HeadTiles(
      (_runId, request) => {
        asked.push(request);
        return engine.slice(held.resultId, request);
      },
      () => arrived(),
    );
    const layer = 1;
    const perHead = toRowShares(
      await engine.slice(held.resultId, { kind: 'encoder', layer, weights: 'value-weighted' }),
      n,
    );
    const query = n - 5;
    for (const head of ['mean', 'max'] as const) {
      const target: TileTarget = {
        runId: 1,
        kind: 'encoder',
        layer,
        head,
        n,
        cols: n,
        weights: 'value-weighted',
      };
      const came = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      assert.equal(tiles.row(target, query), undefined, 'asked, not here yet');
      await came;
      const row = tiles.row(target, query);
      assert.ok(row, 'the row arrived');
      const combine = head === 'mean' ? meanOverHeads : maxOverHeads;
      const want = combine(perHead, n, heads).data.subarray(query * n, (query + 1) * n);
      let worst = 0;
      for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(row[j] - want[j]));
      assert.ok(worst <= 1e-6, `${head}: differs by ${worst}`);
      assert.deepEqual(asked.at(-1), {
        kind: 'encoder',
        layer,
        acrossHeads: head,
        weights: 'value-weighted',
        rowShares: true,
        rows: [query],
      });
    }
    engine.release(held.resultId);
  });
});
