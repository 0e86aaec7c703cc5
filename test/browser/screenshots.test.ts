/**
 * Screenshots of every view in the light and dark themes (and the matrix in high
 * contrast), written to out/screenshots/webview-<view>-<theme>.png (git-ignored);
 * `npm run pictures` copies them to docs/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { runFixture, type FixtureResult } from './fixtureResult';
import type { ThemeName } from './vscodeThemes';
import { screenshotDir } from '../screenshotDir';
import { launchChromium } from '../chromium';
import { WebviewPage } from './webviewPage';

const OUT = screenshotDir;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Puts each view in a state worth showing: a focused token with its highlights. */
async function pose(w: WebviewPage, view: string): Promise<void> {
  await w.page.click(`#tab-${view}`);
  if (view === 'matrix') {
    await w.page.focus('.matrix-base');
    for (let k = 0; k < 22; k++) await w.page.keyboard.press('ArrowDown');
    await w.page.locator('.matrix-base').blur();
  } else if (view === 'head') {
    await w.page.click('#q-22');
  } else if (view === 'summary') {
    await w.page.click('th:nth-child(2) button');
  }
  await w.page.mouse.move(0, 0);
}

describe('webview screenshots (Chromium)', () => {
  let browser: Browser;
  let result: FixtureResult;

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), runFixture()]);
    mkdirSync(OUT, { recursive: true });
  });
  after(() => browser?.close());

  const shots: [ThemeName, string][] = [];
  for (const theme of ['light', 'dark'] as const) {
    for (const view of ['model', 'matrix', 'head', 'summary']) shots.push([theme, view]);
  }
  shots.push(['high-contrast', 'matrix']);

  for (const [theme, view] of shots) {
    it(`${view} view, ${theme} theme`, async () => {
      const w = await WebviewPage.open(browser, { theme, width: 1200, height: 760 });
      await w.sendResult(result);
      await pose(w, view);
      const path = join(OUT, `webview-${view}-${theme}.png`);
      await w.page.screenshot({ path });
      assert.ok(readFileSync(path).subarray(0, 8).equals(PNG_SIGNATURE));
      assert.deepEqual(await w.cspViolations(), []);
      await w.close();
    });
  }
});
