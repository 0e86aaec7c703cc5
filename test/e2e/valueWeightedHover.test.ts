/**
 * The editor's hover follows the panel's Weights switch (issue 24), in a real VS Code: with
 * the bundled model's result on show value-weighted, hovering an inspected token in the
 * editor lists value-weighted shares and says so; back on attention, it lists weights.
 */
import { strict as assert } from 'node:assert';
import { InspectorPanel } from './harness/inspectorPanel';
import { type Session, startSession } from './harness/session';

const FILE = 'sample.py';

describe('value-weighted editor hovers (real VS Code, the .vsix installed)', () => {
  let session: Session;

  before(async () => {
    session = await startSession('dark');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('the hover names value-weighted shares when the panel shows them, attention weights otherwise', async () => {
    const { wb } = session;
    await wb.openFile(FILE);
    await wb.selectLines(1, 7);
    await wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    const panel = await InspectorPanel.waitFor(wb);
    await panel.showView('matrix');
    const select = panel.frame.locator('.weights-switch select');
    await panel.frame.locator('.weights-switch select:enabled').waitFor({ timeout: 60_000 });

    /** Hovers the word `text` in the editor and returns the hover that names `heading`. */
    const hoverOn = async (text: string, heading: string) => {
      await wb.selectLines(9, 9);
      await wb.page.keyboard.press('Escape');
      await wb.page.mouse.move(0, 0);
      await wb.page
        .locator('.editor-instance .monaco-editor .view-lines .view-line span span', {
          hasText: text,
        })
        .first()
        .hover();
      const hover = wb.page.locator('.monaco-hover', { hasText: heading });
      await hover.first().waitFor({ timeout: 15_000 });
      return (await hover.first().textContent()) ?? '';
    };

    await select.selectOption('value-weighted');
    const weighted = await hoverOn('counts', 'Value-weighted attention from');
    assert.match(weighted, /value-weighted share/);
    assert.match(weighted, /value-weighted/);

    await select.selectOption('attention');
    const plain = await hoverOn('split', 'Attention from');
    assert.doesNotMatch(plain, /value-weighted/i);
    assert.match(plain, /weight/);
  });
});
