/**
 * The README's pair (issue 24): the bundled model's sink head (layer 1 head 1) on code, as
 * attention weights and value-weighted, in the matrix view with the same token focused.
 * Written to out/screenshots/webview-sink-{attention,value-weighted}-dark.png (git-ignored);
 * `npm run pictures` copies them to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFeedResult } from '../../src/panel/webviewFeed';
import { screenshotPath } from '../screenshotDir';
import { sharedEngine } from '../unit/engine/fixtures';
import { webviewPagesForSuite } from './suiteChromium';

const ROOT = join(__dirname, '../..');
const BUNDLED = join(ROOT, 'models/mini-code-gpt');
const SINK_TEXT = readFileSync(join(ROOT, 'test/fixtures/norms/sink-code.py'), 'utf8');
/** The focused query token: a call's argument, far enough in for the sink to matter. */
const QUERY = 60;
const ZOOM = 3;
/** What the README says `be` (#60) gives `<|endoftext|>`: of its attention, of what moves. */
const FIRST_TOKEN_SHARE = { attention: '0.811', 'value-weighted': '0.673' };

describe('the sink head, raw and value-weighted (screenshots, Chromium)', () => {
  const openPage = webviewPagesForSuite();

  for (const weights of ['attention', 'value-weighted'] as const) {
    it(`matrix view, ${weights}`, async () => {
      const engine = sharedEngine();
      const held = await engine.inspectHeld(BUNDLED, SINK_TEXT);
      const state = { v: 1, view: 'matrix', layer: 1, head: 1, zoom: ZOOM, weights };
      const w = await openPage({ theme: 'dark', width: 1200, height: 760, state });
      w.host.holdInEngine(1, engine, held);
      const meta = toFeedResult(held, 1, 'sink-code.py').meta;
      await w.send({ type: 'didStartResult', meta });
      await w.settle();
      await w.send({ type: 'didFocusToken', runId: 1, index: QUERY });
      await w.settle();
      const legend = (await w.page.textContent('.legend')) ?? '';
      assert.match(legend, weights === 'attention' ? /^weight/ : /value-weighted share/);
      // The README's sentence: what the focused token gives the first token, each way.
      const first = await w.page.textContent('ol.attended li:first-child .weight');
      assert.equal(first, FIRST_TOKEN_SHARE[weights]);
      const key = await w.page.textContent('ol.attended li:first-child .link');
      assert.equal(key, '<|endoftext|>');
      await w.page.mouse.move(0, 0);
      await w.page.screenshot({ path: screenshotPath(`webview-sink-${weights}-dark.png`) });
      assert.deepEqual(await w.cspViolations(), []);
      await w.close();
    });
  }
});
