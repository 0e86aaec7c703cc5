/**
 * Runs one command as a whole process tree and measures what it cost: wall time and peak
 * resident memory of the tree. The engine may run in a worker thread (one process) or in a
 * child process (issue 22); either way the figure is the tree's.
 *
 * Peak RSS is the larger of
 *  - the highest sum of VmRSS over the process and its descendants, sampled every 50 ms from
 *    /proc (catches a tree whose processes peak together), and
 *  - `/usr/bin/time`'s maximum resident set (ru_maxrss of the process and its waited-for
 *    descendants, exact, but per process, not summed).
 * A one-process tree therefore reads exactly its VmHWM.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TreeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallMs: number;
  /** Bytes. */
  peakRss: number;
  /** How many processes the tree had at most. */
  processes: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

const TIME = '/usr/bin/time';
const SAMPLE_MS = 50;
/** Keep the end of long outputs only: the last lines say what went wrong. */
const KEEP_CHARS = 64 * 1024;

function readKb(pid: number, field: string): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** The pid and its descendants, through /proc/<pid>/task/<tid>/children. */
function treeOf(root: number): number[] {
  const seen: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    seen.push(pid);
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (children) stack.push(...children.split(/\s+/).map(Number));
      } catch {
        // the task ended meanwhile
      }
    }
  }
  return seen;
}

/** `root`'s descendants whose command line contains `named` (e.g. dist/engine.process.js). */
export function descendantsNamed(root: number, named: string): number[] {
  const matches = (pid: number): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(named);
    } catch {
      return false;
    }
  };
  return treeOf(root).filter((pid) => pid !== root && matches(pid));
}

/** Resident bytes of `pids` now; `RssAnon`: only their anonymous memory, not mapped files. */
export function rssOf(pids: number[], field: 'VmRSS' | 'RssAnon' = 'VmRSS'): number {
  return pids.reduce((sum, pid) => sum + readKb(pid, field), 0) * 1024;
}

/** Resident bytes of `root` and its descendants now. */
export function treeRss(root: number): number {
  return treeOf(root).reduce((sum, pid) => sum + readKb(pid, 'VmRSS'), 0) * 1024;
}

function keepTail(text: string): string {
  return text.length > KEEP_CHARS ? text.slice(-KEEP_CHARS) : text;
}

/** Runs `command args`, measuring wall time and the tree's peak RSS; never throws on failure. */
export function runTree(
  command: string,
  args: string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<TreeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-tree-'));
  const timeFile = join(dir, 'time.txt');
  const viaTime = existsSync(TIME);
  const [file, argv] = viaTime
    ? [TIME, ['-o', timeFile, '-f', '%M', command, ...args]]
    : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout = keepTail(stdout + chunk.toString())));
  child.stderr.on('data', (chunk: Buffer) => (stderr = keepTail(stderr + chunk.toString())));
  let peakKb = 0;
  let processes = 0;
  const sample = (): void => {
    if (child.pid === undefined) return;
    // Under /usr/bin/time the measured tree is time's child and what it starts.
    const pids = treeOf(child.pid).filter((pid) => !viaTime || pid !== child.pid);
    processes = Math.max(processes, pids.length);
    peakKb = Math.max(
      peakKb,
      pids.reduce((sum, pid) => sum + readKb(pid, 'VmRSS'), 0),
    );
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    // The measured process (and, through its exit, its workers); time then exits too.
    if (child.pid !== undefined) for (const pid of treeOf(child.pid)) tryKill(pid);
  }, options.timeoutMs);
  return new Promise((resolve) => {
    // A command that cannot start is a failed row too ('close' follows 'error').
    child.on('error', (error) => {
      stderr += `\nerror: ${error.message}`;
    });
    child.on('close', (exitCode, signal) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      clearTimeout(killer);
      let timeKb = 0;
      try {
        // time prints "Command exited with non-zero status N" before the figure.
        timeKb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)) || 0;
      } catch {
        // no time file: polling alone
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({
        exitCode,
        signal,
        wallMs,
        peakRss: Math.max(peakKb, timeKb) * 1024,
        processes,
        stdout,
        stderr,
        timedOut,
      });
    });
  });
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The last non-empty line of a failed run's stderr: what the CLI said went wrong. */
export function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  );
}
