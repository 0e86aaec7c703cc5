/**
 * The webview's overview asks (webview/overviewPull.ts) on a long result (issues 28, 22): a
 * few layers at a time, first layers first, and a newer result stops the older one's asks at
 * once, so it waits behind those in flight only. (A small result's layers are all asked for at
 * once: test/browser/stateAndExport.test.ts, test/unit/inspection/overviewPrefetch.test.ts.)
 */
import assert from 'node:assert/strict';
import type { AttentionKind, HeldResult, LayerOverview } from '../../../src/engine/types';
import { OVERVIEWS_IN_FLIGHT, overviewsInFlight } from '../../../src/shared/overviewBatch';
import { OverviewPull } from '../../../webview/overviewPull';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { join } from 'node:path';

const LONG = join(HF_FIXTURES, 'llama-long');

describe('overview asks on a long result', function () {
  this.timeout(300_000);

  it('a few at a time, first layers first; a newer result stops the older one', async () => {
    const engine = sharedEngine();
    const text = 'def add(a, b):\n    return a + b\n'.repeat(200);
    const older = await engine.inspectHeld(LONG, text, { maxTokens: 1500 });
    const newer = await engine.inspectHeld(LONG, `x = 1\n${text}`, { maxTokens: 1500 });
    assert.equal(overviewsInFlight(older.stacks), OVERVIEWS_IN_FLIGHT, '4 heads of 1,500²');
    let shown: HeldResult = older;
    const asked: string[] = [];
    const waiting: (() => void)[] = [];
    const arrived: string[] = [];
    const pull = new OverviewPull(
      (kind: AttentionKind, layer: number) => {
        const { resultId } = shown;
        asked.push(`${resultId}/${layer}`);
        // Answered when the test says so: what is in flight at a time is what is asked.
        return new Promise<LayerOverview>((answer) =>
          waiting.push(() => answer(engine.overview(resultId, kind, layer))),
        );
      },
      (overview) => arrived.push(`${shown.resultId}/${overview.layer}`),
      (message) => assert.fail(message),
    );
    const answerAll = async () => {
      while (waiting.length > 0) {
        for (const go of waiting.splice(0)) go();
        await new Promise((go) => setTimeout(go, 20));
      }
    };
    pull.start(older.stacks);
    const [a, b] = [older.resultId, newer.resultId];
    assert.deepEqual(asked, [`${a}/0`, `${a}/1`]);
    shown = newer;
    pull.start(newer.stacks);
    assert.deepEqual(asked, [`${a}/0`, `${a}/1`, `${b}/0`, `${b}/1`]);
    await answerAll();
    const layers = newer.stacks[0].layers;
    const expected = Array.from({ length: layers }, (_, l) => `${b}/${l}`);
    assert.deepEqual(asked, [`${a}/0`, `${a}/1`, ...expected], 'no more of the older result');
    assert.deepEqual(arrived, expected, "the newer result's overviews, and only those");
    engine.release(a);
    engine.release(b);
  });
});
