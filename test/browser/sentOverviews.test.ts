/**
 * A small result's overviews sent with its metadata (src/inspection/overviewPrefetch.ts), as
 * the host packs them (src/protocol/overviewWire.ts: block means as the levels the view
 * paints, rows cut where the causal mask starts): the page asks for none, and draws the model
 * view exactly as from the overviews it asks for; the bundled model at ~220 tokens in real
 * Chromium. (That painted levels give the pixels float32 weights give: paintedOverviews.test.ts.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import { toFeedResult } from '../../src/panel/webviewFeed';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { webviewPagesForSuite } from './suiteChromium';
import type { WebviewPage } from './webviewPage';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b  # sum\n'.repeat(11);
const SETTINGS = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 5, defaultView: 'model' },
} as const;

/** Every model-view thumbnail's pixels. */
function thumbnails(w: WebviewPage): Promise<string[]> {
  return w.page.$$eval('.thumb canvas', (canvases) =>
    canvases.map((canvas) => (canvas as HTMLCanvasElement).toDataURL('image/png')),
  );
}

describe('overviews sent with the metadata (Chromium)', function () {
  this.timeout(300_000);
  const openPage = webviewPagesForSuite();

  it('asks for none and draws the model view as from the overviews it asks for', async () => {
    const result = await sharedEngine().inspect(BUNDLED, TEXT);
    const held = new HeldResults();
    const shown = holdInspection(held, result);
    const { layers } = shown.stacks[0];
    const overviews = await Promise.all(
      Array.from({ length: layers }, (_, l) => held.overview(shown.resultId, 'encoder', l)),
    );
    assert.ok(overviews[0].blockRows > 1, 'block means, not the exact matrix');

    const asking = await openPage();
    asking.host.hold(1, result);
    await asking.send([
      SETTINGS,
      { type: 'didStartResult', meta: toFeedResult(shown, 1, 'a.py').meta },
    ]);
    await asking.settle();
    assert.equal(asking.host.callsOf('overview').length, layers);
    const asked = await thumbnails(asking);

    const sent = await openPage();
    sent.host.hold(1, result);
    const meta = toFeedResult(shown, 1, 'a.py', undefined, overviews).meta;
    // Block means travel as the levels the view paints (src/protocol/overviewWire.ts).
    assert.ok(meta.overviews?.every((o) => 'levels' in o && o.levels instanceof Uint8Array));
    await sent.send([SETTINGS, { type: 'didStartResult', meta }]);
    await sent.settle();
    assert.deepEqual(sent.host.callsOf('overview'), [], 'every layer came with the metadata');
    assert.equal(await sent.page.locator('.thumb.pending').count(), 0);
    const drawn = await thumbnails(sent);
    assert.equal(drawn.length, layers * result.model.heads);
    assert.deepEqual(drawn, asked);
    await asking.close();
    await sent.close();
  });
});
