/**
 * The host starts the overviews the webview asks for first (issue 22): the same layers, in the
 * same order, as the webview's OverviewPull asks for on a new result, and the engine answers
 * the webview's later ask with the overview it already computed. A small result's layers are
 * asked for all at once, a large one's a few (two at least) at a time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type {
  AttentionKind,
  AttentionStack,
  HeldResult,
  LayerOverview,
} from '../../../src/engine/types';
import { prefetchOverviews } from '../../../src/inspection/overviewPrefetch';
import { OVERVIEWS_IN_FLIGHT, overviewsInFlight } from '../../../src/shared/overviewBatch';
import { toFeedResult } from '../../../src/panel/webviewFeed';
import { OverviewPull } from '../../../webview/overviewPull';
import { ResultStore } from '../../../webview/resultStore';
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

  it("a small result's overviews travel with it: the webview asks for none", async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, 'def f(x):\n    return x + 1\n'.repeat(8));
    const overviews = await prefetchOverviews(engine, held);
    const layers = held.stacks[0].layers;
    assert.equal(overviews?.length, layers);
    for (let layer = 0; layer < layers; layer++) {
      assert.deepEqual(overviews?.[layer], await engine.overview(held.resultId, 'encoder', layer));
    }
    const asked: number[] = [];
    const store = new ResultStore({
      overview: (_runId, _kind, layer) => {
        asked.push(layer);
        return engine.overview(held.resultId, 'encoder', layer);
      },
      slice: (_runId, request) => engine.slice(held.resultId, request),
    });
    assert.ok(store.start(toFeedResult(held, 1, 'f.py', undefined, overviews).meta));
    assert.deepEqual(asked, []);
    assert.equal(store.receivedLayers, layers);
    // Without them (a reply too late, a large result) the webview asks for every layer.
    assert.ok(store.start(toFeedResult(held, 2, 'f.py').meta));
    assert.deepEqual(
      asked,
      Array.from({ length: layers }, (_, l) => l),
    );
    engine.release(held.resultId);
  });

  it('a large result, or a small one the engine is slow to summarise, is shown without waiting', async () => {
    const never = { overview: () => new Promise<LayerOverview>(() => undefined) };
    const large = { resultId: 1, stacks: [stack(30, 9, 2048)] } as unknown as HeldResult;
    const small = { resultId: 2, stacks: [stack(4, 4, 200)] } as unknown as HeldResult;
    // A large result would wait out the test's own timeout if it waited at all.
    assert.equal(await prefetchOverviews(never, large, 10 * 60_000), undefined);
    assert.equal(await prefetchOverviews(never, small, 30), undefined);
  });
});
