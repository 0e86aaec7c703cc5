/**
 * Runs a Node program (usually the built CLI) the way a user would, with a wall-clock limit,
 * and reports its exit code, output, time taken and peak resident memory, so a hostile
 * case can assert "clear message, bounded time and memory".
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'dist', 'cli.js');
const REPORT_USAGE = join(__dirname, 'reportUsage.cjs');

export interface BoundedRun {
  /** Exit code; `null` when the process was killed at the time limit. */
  code: number | null;
  /** The signal that ended it (`SIGKILL` at the time limit; `SIGSEGV` for a crash), or `null`. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory in MiB (0 when killed before it could report). */
  peakMiB: number;
  timedOut: boolean;
}

/** `node [--require reportUsage] script ...args`, killed after `limitMs`. */
export function runNode(
  script: string,
  args: string[],
  limitMs = 60_000,
  stdin?: string,
): Promise<BoundedRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-usage-'));
  const usageFile = join(dir, 'usage');
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--require', REPORT_USAGE, script, ...args], {
      env: { ...process.env, HOSTILE_USAGE_FILE: usageFile },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // A hostile run may print a lot; keep the first 64 MiB, enough for any assertion.
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (stdout.length < 1 << 26) stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.end(stdin ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let peakKiB = 0;
      try {
        peakKiB = Math.max(...readFileSync(usageFile, 'utf8').trim().split('\n').map(Number));
      } catch {
        // killed before its exit handler ran
      }
      rmSync(dir, { recursive: true, force: true });
      done({
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - started,
        peakMiB: peakKiB / 1024,
        timedOut,
      });
    });
  });
}

/** Runs the built CLI (`dist/cli.js`). */
export function runCli(args: string[], limitMs?: number): Promise<BoundedRun> {
  return runNode(CLI, args, limitMs);
}
