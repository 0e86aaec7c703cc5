import { strict as assert } from 'node:assert';
import { InspectorPanel } from './harness/inspectorPanel';
import { LONG_FILE, LONG_LINES } from './harness/longSource';
import { startSession, type Session } from './harness/session';

/** long.py (harness/longSource.ts): 335 lines of Python, several times the model's context. */
const FILE = LONG_FILE;
const CURSOR_LINE = 150;

describe('a whole long file selected (real VS Code, the .vsix installed)', () => {
  let session: Session;

  before(async () => {
    session = await startSession('light');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('is cut with a notice offering the lines around the cursor, then names them', async () => {
    const { wb } = session;
    await wb.openFile(FILE);
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+A');
    await wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    await wb.waitForNotification('Or inspect the lines around the cursor instead.');
    const panel = await InspectorPanel.waitFor(wb);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text the user reads
    const shown = await panel.frame.locator('.status .info').innerText();
    assert.ok(shown.includes(`${FILE}:1–${LONG_LINES}`), shown);

    // The user moves the cursor to the code they are looking at, then takes the offer.
    await wb.selectLines(CURSOR_LINE, CURSOR_LINE);
    await wb.page
      .locator('.notification-toast .monaco-button', { hasText: 'Inspect Around Cursor' })
      .first()
      .click();
    const told = wb.page.locator('.notification-toast .notification-list-item-message', {
      hasText: 'around the cursor (line',
    });
    await told.first().waitFor({ timeout: 60_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text the user reads
    const message = await told.first().innerText();
    const said = /inspected lines (\d+)–(\d+) around the cursor \(line (\d+)\), (\d+) tokens/;
    const match = said.exec(message);
    assert.ok(match, message);
    const [first, last, cursor, tokens] = match.slice(1).map(Number);
    assert.equal(cursor, CURSOR_LINE);
    assert.ok(first < CURSOR_LINE && CURSOR_LINE < last, `${first}–${last} holds line ${cursor}`);
    assert.ok(tokens > 300 && tokens <= 512, `${tokens} tokens: most of the context, not more`);
    // The panel shows the window, whole, without a cut.
    const status = panel.frame.locator('.status .info');
    await status.filter({ hasText: `long.py:${first}–${last}` }).waitFor({ timeout: 60_000 });
    assert.equal(await panel.frame.locator('.status .banner').isHidden(), true);
  });
});
