/**
 * Hostile payloads for the built webview in real Chromium (the browser suite's page, under
 * the production CSP): texts full of control characters must export as well-formed SVG and
 * as PNG; malformed, stale and injected messages must neither throw, nor inject HTML, nor
 * stop the next result from showing.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import { runFixture, type FixtureResult } from '../browser/fixtureResult';
import { WebviewPage } from '../browser/webviewPage';
import { launchChromium } from '../chromium';

const CONTROL_TEXT = 'if (a)\f{ b\x1b[31m(c)\x07; }\x0b\x00 \ufffe\ud800 end';

/** True when `svg` parses as XML in the browser (no parsererror). */
function wellFormed(w: WebviewPage, svg: string): Promise<boolean> {
  return w.page.evaluate(
    (text) =>
      new DOMParser().parseFromString(text, 'image/svg+xml').querySelector('parsererror') === null,
    svg,
  );
}

async function saved(
  w: WebviewPage,
  format: 'svg' | 'png',
): Promise<WebviewToHost & { type: 'saveImage' }> {
  await w.page.click(`button:text-is("${format.toUpperCase()}")`);
  await w.page.waitForFunction(
    (f) =>
      (
        window as unknown as { __posted: { event: { type: string; format?: string } }[] }
      ).__posted.some((m) => m.event?.type === 'saveImage' && m.event.format === f),
    format,
    { timeout: 15_000 },
  );
  const all = (await w.posted()).filter((m) => m.type === 'saveImage' && m.format === format);
  return all[all.length - 1] as WebviewToHost & { type: 'saveImage' };
}

describe('hostile webview payloads (Chromium)', () => {
  let browser: Browser;
  let controls: FixtureResult;
  let plain: FixtureResult;

  before(async () => {
    browser = await launchChromium();
    controls = await runFixture(CONTROL_TEXT, 7);
    plain = await runFixture(undefined, 8);
  });
  after(() => browser?.close());

  for (const view of ['matrix', 'head', 'model'] as const) {
    it(`defect 6: the ${view} view of a text with control characters exports well-formed SVG and a PNG`, async () => {
      const w = await WebviewPage.open(browser);
      const errors: string[] = [];
      w.page.on('pageerror', (e) => errors.push(e.message));
      await w.sendResult(controls, {
        type: 'didChangeSettings',
        settings: { colorMap: 'viridis', topK: 5, defaultView: view },
      });
      const svg = await saved(w, 'svg');
      assert.ok(await wellFormed(w, svg.data), `the ${view} SVG is well-formed XML`);
      assert.doesNotMatch(
        svg.data,
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 forbids are what this looks for
        /[\x00-\x08\x0b\x0c\x0e-\x1f]/,
        'no control character XML forbids',
      );
      const png = await saved(w, 'png');
      assert.match(png.data, /^data:image\/png;base64,.{100}/);
      assert.deepEqual(errors, []);
      await w.close();
    });
  }

  it('malformed, stale and injected messages are ignored and the next result shows', async () => {
    const w = await WebviewPage.open(browser);
    const errors: string[] = [];
    w.page.on('pageerror', (e) => errors.push(e.message));
    const html = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const hostile = [
      { type: 'noSuchMessage' },
      { type: 'didProduceLayer', runId: 999, layer: 0, weights: new Float32Array(4) },
      { type: 'didStartResult', meta: null },
      { type: 'didFail', runId: 4242, message: html },
      { type: 'didInvalidate', runId: 31337, reason: html },
      { type: 'didFocusToken', runId: 1, index: 1e9 },
    ] as unknown as HostToWebview[];
    await w.send(hostile);
    await w.page.evaluate(() => {
      for (const junk of [
        null,
        42,
        'text',
        { kind: 'event' },
        { kind: 'event', event: null },
        { kind: 'reply', id: -1 },
      ]) {
        window.postMessage(junk, '*');
      }
    });
    const injected = { ...plain, meta: { ...plain.meta, runId: 9, source: { label: html } } };
    // While the page waits for its overviews, forged replies answer its calls with junk:
    // a misshapen overview or slice is refused, never drawn.
    w.host.gateOverviews(0);
    await w.send({ type: 'didStartResult', meta: injected.meta });
    w.host.hold(9, injected.result);
    await w.page.evaluate(() => {
      const calls = (window as unknown as { __posted: { kind: string; id: number }[] }).__posted;
      const forged = [
        null,
        'text',
        { kind: 'cross', layer: 0, thumbnails: [1, 2], side: 1, colSide: 2 },
        { kind: 'encoder', layer: 1e9, thumbnails: new Float32Array(4), side: 1, colSide: 1 },
      ];
      calls
        .filter((m) => m.kind === 'call')
        .forEach((m, i) => {
          window.postMessage({ kind: 'reply', id: m.id, ok: forged[i % forged.length] }, '*');
        });
    });
    w.host.openGate();
    await w.frame();
    await w.sendResult({ ...plain, meta: { ...plain.meta, runId: 10 } });
    const svg = await saved(w, 'svg');
    assert.ok(await wellFormed(w, svg.data));
    assert.equal(
      await w.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    assert.equal(
      await w.page.locator('img[src="x"], #root script').count(),
      0,
      'no HTML was injected',
    );
    assert.deepEqual(await w.cspViolations(), []);
    assert.deepEqual(errors, []);
    await w.close();
  });
});
