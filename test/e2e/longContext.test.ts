/**
 * A 2,048-token selection in a real VS Code (issue 22, "a 2,048-token selection on a fixture with
 * a long context shows the model view, a head, and editor hovers; cancel mid-run leaves a working
 * engine"). The model is test/fixtures/hf/llama-long (tools/fixtures/make_long_context_fixture.py:
 * a tiny Llama-shaped decoder whose context is 2,048 tokens), set through
 * `attentionInspector.model`; the whole of long.py (7,838 of its tokens) is selected and cut to
 * the context. The first inspection of a new window is cancelled from its notification during
 * the forward pass (the engine is cold then, not prewarmed, so the pass lasts long enough to
 * press Cancel); the next one must run and show every layer, a head drawn the long way (a
 * block picture, then tiles once zoomed in), a hover in the panel mirrored in the editor, and
 * an editor hover on a token far past 512.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { alphaOf, readDecorations } from './harness/editorDecorations';
import { InspectorPanel } from './harness/inspectorPanel';
import { LONG_FILE } from './harness/longSource';
import { repoRoot } from './harness/paths';
import { type Session, startSession } from './harness/session';

/** The fixture's context (its config.json `max_position_embeddings`). */
const CONTEXT = 2048;
const MODEL = join(repoRoot, 'test/fixtures/hf/llama-long');
/** A line of long.py inside the first 2,048 tokens and far past the 512th (about token 1,650). */
const LATE_LINE = 75;
/** The function defined there (longSource.ts: block 8), a name no other line holds. */
const LATE_NAME = 'scale_points_8';

describe('a 2,048-token selection on a long-context model (real VS Code, the .vsix installed)', () => {
  let session: Session;

  before(async () => {
    // Not prewarmed: the first pass runs on a cold WebAssembly instance, long enough to cancel.
    session = await startSession('dark', [], undefined, {
      'attentionInspector.model': MODEL,
      'attentionInspector.prewarm': false,
    });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  /** Selects all of long.py and presses the inspect key. */
  const inspectAll = async (): Promise<void> => {
    const { wb } = session;
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    await wb.page.keyboard.press('Control+Alt+A');
  };

  it('cancels a run from its notification during the forward pass', async () => {
    const { wb } = session;
    await wb.openFile(LONG_FILE);
    await inspectAll();
    const running = wb.page.locator('.notification-toast', {
      hasText: `forward pass on ${CONTEXT} tokens`,
    });
    await running.first().waitFor({ timeout: 120_000 });
    await running.first().locator('.monaco-button', { hasText: 'Cancel' }).click();
    await wb.waitForNotification('Attention inspection cancelled.');
    await running.first().waitFor({ state: 'detached', timeout: 30_000 });
  });

  it(`then shows every layer, a ${CONTEXT}-token head, panel and editor hovers`, async () => {
    const { wb } = session;
    const started = Date.now();
    await inspectAll();
    const panel = await InspectorPanel.waitFor(wb);
    const allLayers = Date.now() - started;
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text the user reads
    const status = await panel.frame.locator('.status .info').innerText();
    assert.ok(status.includes(`${CONTEXT} tokens`), status);
    const thumbs = await panel.thumbnails();
    assert.equal(thumbs.length, 2 * 4, '2 layers × 4 heads');

    // A head opens in the matrix view as one block-maximum picture (no whole N × N asked for).
    await panel.openThumbnail(1, 0);
    const canvas = panel.frame.locator('.matrix-view canvas.matrix-base');
    await panel.frame
      .locator(`.matrix-view canvas.matrix-base[data-layout*='"n":${CONTEXT},']`)
      .waitFor({ timeout: 30_000 });
    await panel.frame
      .locator(`.matrix-view canvas.matrix-base[data-tiles*='"picture"']`)
      .waitFor({ timeout: 30_000 });

    // A hover on a cell (about query 800, key 100: a line the editor shows) shows its weight once its row is here;
    // cells are under a pixel, so the row is read back from the tooltip.
    const box = (await canvas.boundingBox())!;
    const l = JSON.parse((await canvas.getAttribute('data-layout')) ?? '{}');
    await wb.page.mouse.move(
      box.x + l.left + l.panX + 100.5 * l.cell,
      box.y + l.top + l.panY + 800.5 * l.cell,
    );
    const tooltip = panel.frame.locator('.matrix-view .tooltip');
    // It says "…" until the row is here.
    await tooltip
      .filter({ hasText: /\) →.*\n(0|<0\.001|[01]\.\d{3})$/s })
      .waitFor({ timeout: 10_000 });
    const tip = (await tooltip.textContent()) ?? '';
    const cell = /\(#(\d+)\) → .*\(#(\d+)\)\n(0|<0\.001|[01]\.\d{3})$/s.exec(tip);
    assert.ok(cell, tip);
    const [row, col] = [Number(cell[1]), Number(cell[2])];
    assert.ok(Math.abs(row - 800) <= 4 && Math.abs(col - 100) <= 4, tip);
    // The editor mirrors the hovered row: the query outlined, the keys it attends to shaded.
    let shaded = 0;
    for (let tries = 0; tries < 50 && shaded === 0; tries++) {
      const runs = await readDecorations(wb.page);
      shaded = runs.some((r) => r.outline)
        ? runs.filter((r) => alphaOf(r.background) > 0).length
        : 0;
      if (shaded === 0) await wb.page.waitForTimeout(200);
    }
    assert.ok(shaded > 0, 'the editor mirrors the hovered row');

    // Zoomed in, the view draws the tiles on screen instead of the picture.
    const zoomIn = panel.frame.locator('.matrix-view .zoom button', { hasText: '+' });
    for (let clicks = 0; clicks < 12; clicks++) {
      const tiles = (await canvas.getAttribute('data-tiles')) ?? '';
      if (tiles.includes('"tiles"')) break;
      await zoomIn.click();
      await wb.page.waitForTimeout(300);
    }
    await panel.frame
      .locator(`.matrix-view canvas.matrix-base[data-tiles*='"tiles"']`)
      .waitFor({ timeout: 30_000 });

    // An editor hover on a token far past the 512th lists what it attends to.
    await wb.selectLines(LATE_LINE, LATE_LINE);
    await wb.page.keyboard.press('Escape');
    await wb.page
      .locator('.editor-instance .monaco-editor .view-lines .view-line span span', {
        hasText: LATE_NAME,
      })
      .first()
      .hover();
    const hover = wb.page.locator('.monaco-hover', { hasText: 'Attention from' });
    await hover.first().waitFor({ timeout: 15_000 });
    const said = (await hover.first().textContent()) ?? '';
    assert.match(said, /weight/);
    const keys = [...said.matchAll(/\(#(\d+)\)/g)].map((m) => Number(m[1]));
    // Causal attention: a key past 512 means the hovered query is past it too.
    assert.ok(Math.max(...keys) > 512, said);
    console.log(`      ${CONTEXT} tokens: keypress → every layer drawn ${allLayers} ms`);
    console.log(`      editor hover on line ${LATE_LINE}: keys ${keys.join(', ')}`);
  });
});
