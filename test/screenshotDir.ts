/**
 * Where every suite writes its screenshots (git-ignored): tests never touch tracked files;
 * `npm run pictures` copies them to docs/screenshots/, where the README shows them.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const screenshotDir = resolve(__dirname, '..', 'out', 'screenshots');

/** The path of screenshot `file`, its folder made if missing. */
export function screenshotPath(file: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, file);
}
