/**
 * The host starts the overviews the webview asks for first (issue 22): the same layers, in the
 * same order, as the webview's OverviewPull asks for on a new result, and the engine answers
 * the webview's later ask with the overview it already computed. A small result's layers are
 * asked for all at once, a large one's a few (two at least) at a time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { AttentionKind, AttentionStack, LayerOverview } from '../../../src/engine/types';
import { prefetchOverviews } from '../../../src/inspection/overviewPrefetch';
import { OVERVIEWS_IN_FLIGHT, overviewsInFlight } from '../../../src/shared/overviewBatch';
import { OverviewPull } from '../../../webview/overviewPull';
import { ROOT, sharedEngine } from '../engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');

function stack(layers: number, heads: number, n: number): AttentionStack {
  return { kind: 'encoder', layers, heads, rows: n, cols: n, causal: true };
}

describe('overviews asked at once and prefetched', () => {
  it('a small result: every layer at once; a large one: a few, two at least', () => {
    assert.equal(overviewsInFlight([stack(4, 4, 200)]), 52);
    assert.ok(overviewsInFlight([stack(4, 4, 512)]) >= 4, 'the bundled model at 512 tokens');
    assert.equal(overviewsInFlight([stack(30, 9, 512)]), 3);
    assert.equal(overviewsInFlight([stack(30, 9, 2048)]), OVERVIEWS_IN_FLIGHT);
  });

  it('the host starts the layers the webview asks for first; the ask finds them computed', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, 'def f(x):\n    return x + 1\n'.repeat(8));
    const asked: string[] = [];
    const pull = new OverviewPull(
      (kind: AttentionKind, layer: number) => {
        asked.push(`${kind}/${layer}`);
        return new Promise<LayerOverview>(() => undefined);
      },
      () => undefined,
      () => undefined,
    );
    pull.start(held.stacks);
    const started = new Map<string, Promise<LayerOverview>>();
    prefetchOverviews(
      {
        overview(resultId, kind, layer) {
          const answer = engine.overview(resultId, kind, layer);
          started.set(`${kind}/${layer}`, answer);
          return answer;
        },
      },
      held,
    );
    assert.deepEqual([...started.keys()], asked);
    assert.equal(asked.length, held.stacks[0].layers, 'a small result: every layer');
    for (const [key, first] of started) {
      const layer = Number(key.split('/')[1]);
      assert.equal(await engine.overview(held.resultId, 'encoder', layer), await first);
    }
    engine.release(held.resultId);
  });
});
