/**
 * What a failed end-to-end test prints besides its screenshot: the notifications on screen and
 * the tail of the extension's own log. A failure on the CI machine cannot be looked at later, so
 * its output must say what the user saw and what the extension did.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

const LOG_LINES = 40;

/** The extension's log files under code-server's user data (one per window reload). */
function extensionLogs(userDataDir: string): string[] {
  const logs = join(userDataDir, 'logs');
  try {
    return readdirSync(logs, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('Attention Inspector.log'))
      .map((path) => join(logs, path));
  } catch {
    return [];
  }
}

export async function failureReport(page: Page, userDataDir: string): Promise<string> {
  const shown = await page
    .locator('.notification-list-item-message')
    .allTextContents()
    .catch((error: unknown) => [`(could not read: ${String(error)})`]);
  const lines = [`notifications on screen: ${JSON.stringify(shown)}`];
  for (const file of extensionLogs(userDataDir)) {
    const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-LOG_LINES);
    lines.push(`last ${tail.length} lines of ${file}:`, ...tail.map((line) => `  ${line}`));
  }
  return lines.join('\n');
}
