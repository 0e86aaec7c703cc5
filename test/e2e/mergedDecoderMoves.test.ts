/**
 * What attention moves for a merged decoder in a real VS Code (issue 24): hf/gpt2-merged
 * (Transformers.js layout, `decoder_model_merged.onnx` only: attention inside an If, kept
 * whole) chosen through Select Model…, a selection inspected; the Weights switch is offered
 * and draws value-weighted shares, and a token's logit lens lists the CLI's `logit_lens`
 * (the norms session runs the If's no-cache branch, graph/inlineNoCacheBranch.ts).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { visibleText } from '../../webview/format';
import { cliInspect } from './harness/cliInspect';
import { InspectorPanel } from './harness/inspectorPanel';
import { repoRoot } from './harness/paths';
import { type Session, startSession } from './harness/session';

const MERGED = join(repoRoot, 'test', 'fixtures', 'hf', 'gpt2-merged');
const FILE = 'sample.py';

describe('a merged decoder’s value-weighted attention and logit lens (real VS Code)', () => {
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

  it('offers the Weights switch and reads the logit lens as the CLI does', async () => {
    const { wb } = session;
    await wb.runCommand('Attention Inspector: Select Model…');
    await wb.pickQuickItem('Browse for a model folder…');
    await wb.answerOpenFolderDialog(MERGED);
    await wb.waitForNotification('Attention Inspector now uses', 120_000);
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.openFile(FILE);
    await wb.selectLines(1, 1);
    await wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    const panel = await InspectorPanel.waitFor(wb);
    const text = readFileSync(join(session.workspace, FILE), 'utf8').split('\n')[0];
    const cli = cliInspect(text, MERGED, ['--logit-lens', '5']);
    const lens = (cli as unknown as Record<string, { text: string }[][][]>).logit_lens;
    assert.ok(lens, 'the CLI exported no logit_lens');

    const query = Math.min(3, cli.tokens.length - 1);
    const layer = lens.length - 1;
    await panel.showHeads(layer, [0]);
    await panel.frame.locator(`.head-column.queries .token[data-unit="${query}"]`).click();
    await panel.frame.locator('.logit-lens button.read-lens').click();
    const rows = panel.frame.locator('.logit-lens tbody tr');
    await rows.nth(layer).waitFor({ timeout: 120_000 });
    assert.equal(await panel.frame.locator('.lens-refused').count(), 0);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td code')].map((c) => c.textContent ?? '')),
    );
    // The panel's units may group tokens (word level, hidden specials): the focused unit's
    // last token is one of the CLI's positions, every layer alike.
    const at = (position: number) => lens.map((p) => p[position].map((x) => visibleText(x.text)));
    const match = cli.tokens.findIndex(
      (_, position) => JSON.stringify(at(position)) === JSON.stringify(shown),
    );
    assert.ok(match >= 0, `the panel's lens is no position's of the CLI: ${JSON.stringify(shown)}`);

    // The switch is offered (the engine planned the norms without computing them) and redraws.
    const select = panel.frame.locator('.weights-switch select');
    await panel.frame.locator('.weights-switch select:enabled').waitFor({ timeout: 60_000 });
    await select.selectOption('value-weighted');
    await panel.frame
      .locator('.head-chips')
      .getByText(`Layer ${layer} heads (value-weighted):`)
      .waitFor({ timeout: 60_000 });
    assert.equal(
      await panel.frame.locator('.weights-switch select').inputValue(),
      'value-weighted',
    );
  });
});
