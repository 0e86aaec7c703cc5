/** Runs the built CLI (dist/cli.js) as users do, collecting its exit code and output. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../engine/fixtures';

export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` is laid over this process's environment (e.g. `HF_HUB_CACHE`); `undefined` unsets. */
export function runCli(args: string[], env?: Record<string, string | undefined>): Promise<CliRun> {
  const options = { maxBuffer: 1 << 28, ...(env ? { env: { ...process.env, ...env } } : {}) };
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], options, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout,
        stderr,
      });
    });
  });
}
