import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { startSession, type Session } from './harness/session';

/** test/e2e/workspace/sample.py: 10 lines (the 9th empty, so 1–9 is labelled 1–8). */
const FILE = 'sample.py';
/** Layers of the bundled model: all asked for at once (a small result's are). */
const BUNDLED_LAYERS = 4;
/** How long the panel takes to draw each layer of the first result (the slowed one). */
const DRAW_MS = 10_000;

/**
 * Makes every panel document opened from now on slow to draw its first result, the way a
 * 30-layer model's layers are (issue 28): deterministic, and from the test alone. The panel's
 * message listener gets its messages through a queue, in order; each layer overview of that
 * first result (a reply carrying thumbnails) waits `drawMs` before the listener sees it, until
 * a newer result has started; the first result comes without the overviews a small result
 * carries, so that the panel asks for them. Nothing blocks the thread, so the workbench stays usable, as it
 * does while a real panel draws.
 */
async function slowFirstResult(page: Page, drawMs: number): Promise<void> {
  await page.addInitScript((ms: number) => {
    type Envelope = {
      kind?: string;
      ok?: unknown;
      event?: { type?: string; runId?: number; meta?: { runId: number; overviews?: unknown } };
    };
    const original = window.addEventListener.bind(window);
    let slowRun: number | null = null;
    let overtaken = false;
    const slowLayer = (e: MessageEvent): boolean => {
      const data = e.data as Envelope | null;
      const ok = data?.kind === 'reply' ? data.ok : undefined;
      return (
        slowRun !== null &&
        !overtaken &&
        typeof ok === 'object' &&
        ok !== null &&
        'thumbnails' in ok
      );
    };
    window.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
      if (type !== 'message' || typeof listener !== 'function') {
        return original(type, listener as EventListener, options as AddEventListenerOptions);
      }
      const deliver = (e: MessageEvent): void => {
        const event = (e.data as Envelope | null)?.event;
        if (event?.type === 'didStartResult' && event.meta?.runId !== slowRun) overtaken = true;
        listener.call(window, e);
      };
      const queue: MessageEvent[] = [];
      let draining = false;
      const drain = (): void => {
        const next = queue.shift();
        draining = next !== undefined;
        if (!next) return;
        setTimeout(
          () => {
            deliver(next);
            drain();
          },
          slowLayer(next) ? ms : 0,
        );
      };
      const queued = (e: MessageEvent): void => {
        const event = (e.data as Envelope | null)?.event;
        if (event?.type === 'didStartResult' && slowRun === null) {
          slowRun = event.meta?.runId ?? null;
          // As a big result comes: without its overviews (a small one's travel with it), so
          // the panel asks for them, and each reply is slowed.
          delete event.meta?.overviews;
          return void listener.call(window, e);
        }
        if (!slowLayer(e) && !draining) return void deliver(e);
        queue.push(e);
        if (!draining) drain();
      };
      return original('message', queued as EventListener, options as AddEventListenerOptions);
    }) as typeof window.addEventListener;
  }, drawMs);
}

describe('a second inspection while the first result is still being drawn (issue 28)', () => {
  let session: Session;

  before(async () => {
    session = await startSession('light');
    await slowFirstResult(session.wb.page, DRAW_MS);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('shows the second result without waiting for the first to be drawn', async function () {
    this.timeout(240_000);
    const { wb } = session;
    // Quick open can miss its 15 s on a loaded machine: a second try is a user's second try.
    await wb.openFile(FILE).catch(async () => {
      await wb.page.keyboard.press('Escape');
      await wb.openFile(FILE);
    });
    await wb.selectLines(1, 9);
    await wb.page.keyboard.press('Control+Alt+A');
    // The first result arrives, and its layers are drawn one by one, slowly.
    const frame = await wb.frameWith('.status .info', 60_000);
    const status = frame.locator('.status .info');
    await status
      .filter({ hasText: `${FILE}:1–8` })
      .filter({ hasText: 'received' })
      .waitFor({
        timeout: 60_000,
      });
    await wb.selectLines(3, 9);
    const askedAt = Date.now();
    await wb.page.keyboard.press('Control+Alt+A');
    // Done: the second result's label first (no run in progress), and its run time.
    const done = new RegExp(`^${FILE.replace('.', '\\.')}:3–8 · .* · \\d+ ms`);
    await status.filter({ hasText: done }).waitFor({ timeout: 120_000 });
    const waited = Date.now() - askedAt;
    console.log(`      the second result showed ${waited} ms after it was asked`);
    // It waits for the overviews of the first result already asked for, each slowed to
    // DRAW_MS here: the webview asks for a small result's all at once (the bundled model's
    // four layers, issue 22: src/shared/overviewBatch.ts) and a long result's two or three at
    // a time, and stops asking for the older result's once a newer one starts (checked on a
    // long result in test/unit/webview/overviewPull.test.ts).
    assert.ok(
      waited < (BUNDLED_LAYERS + 0.8) * DRAW_MS,
      `the second result took ${waited} ms to show`,
    );
    assert.equal(await frame.locator('.model-grid button.thumb.pending').count(), 0);
  });
});
