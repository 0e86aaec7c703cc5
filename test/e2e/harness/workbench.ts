/**
 * Drives the VS Code workbench served by code-server in headless Debian Chromium, through the
 * keyboard and mouse as a user would: the F1 palette, quick open, go-to-line, webview frames.
 */
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../../chromium';
import { QuickInput } from './quickInput';

/** A workbench page in its own browser. */
export class Workbench extends QuickInput {
  private constructor(
    private readonly browser: Browser,
    page: Page,
  ) {
    super(page);
  }

  /**
   * Opens the workbench at `url` and waits until the explorer shows the workspace.
   * `beforeLoad` sees the page before it navigates (to watch its WebSocket, say).
   */
  static async open(url: string, beforeLoad?: (page: Page) => void): Promise<Workbench> {
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1600, height: 960 } });
    // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`;
    // functions passed to `evaluate` carry those calls into the page: give every frame a no-op.
    await page.addInitScript('globalThis.__name = globalThis.__name || ((fn) => fn);');
    beforeLoad?.(page);
    // A busy machine can take longer than Playwright's default 30 s to serve the workbench.
    await page.goto(url, { timeout: 120_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const explorerRow = page.locator('.explorer-folders-view .monaco-list-row').first();
    await explorerRow.waitFor({ timeout: 60_000 });
    return new Workbench(browser, page);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /**
   * Opens the F1 palette, types `filter`, and returns the labels it lists once one of them
   * contains `filter` (retried while the extension host registers contributed commands).
   */
  async paletteEntries(filter: string, timeout = 60_000): Promise<string[]> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row .label-name');
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.openPalette();
      await this.page.keyboard.type(filter);
      const found = await rows
        .filter({ hasText: filter })
        .first()
        .waitFor({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      const labels = found ? await rows.allInnerTexts() : [];
      await this.page.keyboard.press('Escape');
      if (found || Date.now() > deadline) return labels;
    }
  }

  /**
   * Runs a command by its palette title (`Category: Title`). Contributed commands appear only
   * once the extension host has registered the extensions, so the palette is retried a while.
   */
  async runCommand(title: string, timeout = 60_000): Promise<void> {
    const row = this.quickPickRow(title);
    const deadline = Date.now() + timeout;
    for (;;) {
      await this.openPalette();
      await this.page.keyboard.type(title);
      const found = await row
        .waitFor({ timeout: 5_000 })
        .then(() => true)
        .catch(() => false);
      if (found) break;
      await this.page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`"${title}" is not in the F1 palette`);
    }
    await row.click();
  }

  /** Picks a colour theme as a user does: F1 › Preferences: Color Theme › its name. */
  async pickColorTheme(name: string): Promise<void> {
    await this.runCommand('Preferences: Color Theme');
    await this.quickInput().waitFor();
    await this.page.keyboard.type(name);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: name })
      .first()
      .click({ timeout: 10_000 });
    await this.quickInput().waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file by name through quick open (Ctrl+P). */
  async openFile(name: string): Promise<void> {
    await this.leaveWebview();
    await this.page.keyboard.press('Control+P');
    await this.quickInput().waitFor();
    await this.page.keyboard.type(name);
    await this.page
      .locator('.quick-input-list .monaco-list-row.focused', { hasText: name })
      // Quick open searches the workspace's files: a busy machine can take long to list them.
      .waitFor({ timeout: 60_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor();
  }

  /**
   * Selects whole lines `from`..`to` (1-based, inclusive, without the last line break) with the
   * keyboard: Ctrl+G to the first line, Shift+Down, Shift+End.
   */
  async selectLines(from: number, to: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    await this.quickInput().waitFor();
    await this.page.keyboard.type(String(from));
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden' });
    await this.page.keyboard.press('Home');
    await this.page.keyboard.press('Home');
    for (let line = from; line < to; line++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.keyboard.press('Shift+End');
  }

  /**
   * Puts the editor cursor at `line`, `column` (both 1-based) with one Go to Line: arrow keys
   * would walk the cursor over every token before it, and each step is a message to the panel.
   */
  async moveCursor(line: number, column: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    await this.quickInput().waitFor();
    await this.page.keyboard.type(`${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput().waitFor({ state: 'hidden' });
  }

  /** Waits for a frame (webviews render in nested iframes) that contains `selector`. */
  async frameWith(selector: string, timeout = 60_000): Promise<Frame> {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        const found = await frame
          .locator(selector)
          .count()
          .catch(() => 0);
        if (found > 0) return frame;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no frame with ${selector} within ${timeout} ms`);
  }

  /** Waits until the status bar shows `text` (e.g. the editor's "(191 selected)"). */
  async waitForStatus(text: string): Promise<void> {
    const item = this.page.locator('.statusbar-item', { hasText: text }).first();
    await item.waitFor({ timeout: 10_000 });
  }

  /** Waits for a notification toast containing `text`. */
  async waitForNotification(text: string, timeout = 60_000): Promise<void> {
    await this.page
      .locator('.notification-toast .notification-list-item-message', { hasText: text })
      .first()
      .waitFor({ timeout });
  }

  /** Text of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /**
   * A page that is still loading (a walkthrough's media frame) can take the focus between the
   * check and the key press, and F1 then goes to the frame: look again and press again.
   */
  private async openPalette(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.leaveWebview();
      await this.page.keyboard.press('F1');
      try {
        await this.quickInput().waitFor({ timeout: attempt < 3 ? 10_000 : 30_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
  }

  /**
   * Keys typed while a webview (an iframe) has focus go to the webview. A click on the empty
   * middle of the activity bar hands the keyboard back to the workbench without moving the
   * editor's cursor or selection.
   */
  private async leaveWebview(): Promise<void> {
    const inWebview = await this.page.evaluate(
      () => document.activeElement instanceof HTMLIFrameElement,
    );
    if (!inWebview) return;
    const bar = await this.page.locator('.part.activitybar').boundingBox();
    if (!bar) throw new Error('no activity bar to click');
    await this.page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
  }

  private async focusEditor(): Promise<void> {
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  }
}
