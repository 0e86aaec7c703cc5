/**
 * One Chromium for a browser suite: started before the suite's tests, closed after them.
 * Call it inside the suite's `describe`; what it returns opens a webview page in that browser.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../chromium';
import { WebviewPage } from './webviewPage';

type PageOptions = Parameters<typeof WebviewPage.open>[1];

export function webviewPagesForSuite(): (options?: PageOptions) => Promise<WebviewPage> {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());
  return (options) => {
    if (!browser) throw new Error('Chromium is not started: open pages inside the suite’s tests.');
    return WebviewPage.open(browser, options);
  };
}
