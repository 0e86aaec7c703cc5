import { strict as assert } from 'node:assert';
import { InspectorPanel } from './harness/inspectorPanel';
import { startSession, type Session } from './harness/session';

describe('Find Heads… (real VS Code, the .vsix installed; issue 25)', () => {
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

  it('ranks L0 H1 first for previous token, and an example opens the panel at its place', async () => {
    const { wb } = session;
    await wb.openFile('sample.py');
    await wb.runCommand('Attention Inspector: Find Heads…');
    await wb.pickQuickItem('previous-token');
    // The glob offered is the active editor's language: **/*.py.
    const input = wb.page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 30_000 });
    assert.equal(await input.inputValue(), '**/*.py');
    await wb.page.keyboard.press('Enter');
    const first = wb.page.locator('.quick-input-list .monaco-list-row').first();
    await first.filter({ hasText: 'L0 H1' }).waitFor({ timeout: 120_000 });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText(), the rendered text the user reads
    const row = await first.innerText();
    assert.match(row, /L0 H1\s*0\.9\d\d ± 0\.\d{3} · [\d,]+ positions\n[▁▂▃▄▅▆▇█·]+/);
    await wb.page.keyboard.press('Enter');
    await wb.page
      .locator('.quick-input-list .monaco-list-row', { hasText: '.py:' })
      .first()
      .waitFor({ timeout: 30_000 });
    await wb.page.keyboard.press('Enter');
    const panel = await InspectorPanel.waitFor(wb);
    const status = panel.frame.locator('.status .info');
    await status.filter({ hasText: '.py:' }).waitFor({ timeout: 60_000 });
  });
});
