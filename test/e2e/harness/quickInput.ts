/**
 * The workbench's quick input widget as a user answers it (workbench.ts's part): quick pick
 * entries, input boxes, and code-server's simple file dialogs (a quick input holding a path).
 */
import type { Page } from 'playwright-core';

export class QuickInput {
  constructor(readonly page: Page) {}

  /**
   * Answers a save dialog. code-server shows VS Code's simple file dialog, a quick input holding
   * the proposed path: replace it with `path` and accept.
   */
  async answerSaveDialog(path: string): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ timeout: 30_000 });
    // The dialog fills in its proposal (part of it selected) just after it opens: wait for it,
    // then replace the whole value, as pasting a path would.
    const value = () => input.inputValue();
    for (let tries = 0; (await value()) === '' && tries < 50; tries++) {
      await this.page.waitForTimeout(100);
    }
    // The dialog may still write its own proposal over ours just after it opens: fill until
    // the value has held `path` for half a second.
    for (let attempt = 0, stableChecks = 0; stableChecks < 5; ) {
      if ((await value()) !== path) {
        if (++attempt > 10) throw new Error(`the save dialog holds ${await value()}`);
        await input.fill(path);
        stableChecks = 0;
      } else {
        stableChecks++;
      }
      await this.page.waitForTimeout(100);
    }
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden', timeout: 30_000 });
  }

  /** Types `text` into the open input box (`showInputBox`) and accepts it. */
  async answerInputBox(text: string): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ timeout: 30_000 });
    await input.fill(text);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  /** Clicks the quick pick entry whose text contains `text` (after an icon, say). */
  async pickQuickItem(text: string): Promise<void> {
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: text })
      .first()
      .click({ timeout: 30_000 });
  }

  /**
   * Answers an open-folder dialog (code-server's simple file dialog): type the folder's path
   * with a trailing slash, so the dialog shows that folder, then accept it with Enter.
   */
  async answerOpenFolderDialog(path: string): Promise<void> {
    const input = this.quickInput();
    await input.waitFor({ timeout: 30_000 });
    const wanted = path.endsWith('/') ? path : `${path}/`;
    for (let tries = 0; (await input.inputValue()) === '' && tries < 50; tries++) {
      await this.page.waitForTimeout(100);
    }
    // The next prompt (a quick pick of the same widget) has another title: that is gone too.
    const title = this.page.locator('.quick-input-widget .quick-input-title');
    const dialogTitle = await title.textContent();
    const open = async (): Promise<boolean> =>
      (await this.quickInput().isVisible()) && (await title.textContent()) === dialogTitle;
    await input.fill(wanted);
    await this.page.waitForTimeout(1_000);
    // Enter first opens the typed folder, then accepts it; stop once the dialog is gone.
    for (let tries = 0; tries < 5; tries++) {
      if (!(await open())) return;
      if ((await input.inputValue()) !== wanted) await input.fill(wanted);
      await this.page.keyboard.press('Enter');
      await this.page.waitForTimeout(1_000);
    }
    if (await open()) throw new Error(`the open dialog did not accept ${wanted}`);
  }

  /** The quick pick entry whose label is exactly `label` (not merely containing it). */
  protected quickPickRow(label: string) {
    const exact = new RegExp(`^${escapeRegExp(label)}$`);
    return this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
  }

  /** The quick input widget's text box (palette, pickers, input boxes, simple dialogs). */
  protected quickInput() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
