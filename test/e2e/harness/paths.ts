/** Folders the end-to-end suite reads from and writes to. */
import { resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(__dirname, '../../..');
/** The sample workspace the suite opens (copied to a temp folder first). */
export const workspaceTemplate = resolve(repoRoot, 'test/e2e/workspace');
export { screenshotDir } from '../../screenshotDir';
/** Where a failing test leaves a screenshot of the workbench (git-ignored). */
export const failureDir = resolve(repoRoot, 'out/e2e-failures');
