/**
 * Every notification message the workbench shows from now on, toast or notification center,
 * however briefly: a fast machine can write a whole continuation between two polls of a
 * locator, and a failure should say what the user was shown instead.
 */
import type { Page } from 'playwright-core';

declare global {
  interface Window {
    __notificationLog?: string[];
  }
}

/** Starts recording; the returned function reads what was recorded so far. */
export async function recordNotifications(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    window.__notificationLog = seen;
    const record = () => {
      for (const item of document.querySelectorAll('.notification-list-item-message')) {
        const text = item.textContent ?? '';
        if (text && !seen.includes(text)) seen.push(text);
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
  return () => page.evaluate(() => [...(window.__notificationLog ?? [])]);
}
