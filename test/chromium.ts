/**
 * The one way the test suites start Chromium: the system build (CHROMIUM_PATH, else Debian's
 * /usr/bin/chromium) with the flags these machines need (no sandbox as root, no GPU).
 */
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
