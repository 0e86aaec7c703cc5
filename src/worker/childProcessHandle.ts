/**
 * Runs the engine in a child process (`child_process.fork` of dist/engine.process.js), the
 * way language servers run: a model that exhausts memory ends that process, not the
 * extension host and every other extension in it. Implements the same seam as the thread
 * handle (workerHandle.ts); the host's EngineClient restarts it after a crash.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { EngineWorkerOptions } from '../protocol/engine';
import { tellingLine } from './engineFailure';
import { processEndpoint } from './processEndpoint';
import type { WorkerHandle } from './workerHandle';

/** A handle that also exposes the process (tests kill it on purpose). */
export interface ChildProcessHandle extends WorkerHandle {
  readonly child: ChildProcess;
}

/** What else the process is started with (tests: a small heap, the memory-exhaustion hook). */
export interface ChildProcessOptions {
  execArgv?: string[];
  env?: Record<string, string>;
}

/** How much of the process's last output a crash report keeps (V8 and WASM say why there). */
const OUTPUT_TAIL_CHARS = 2000;
/** A process that ignores SIGTERM this long is killed. */
const TERMINATE_GRACE_MS = 2000;

/** `script` is the bundled entry (dist/engine.process.js). */
export function startChildProcess(
  script: string,
  options: EngineWorkerOptions,
  extra: ChildProcessOptions = {},
): ChildProcessHandle {
  const child = fork(script, [JSON.stringify(options)], {
    serialization: 'advanced',
    // Not the host's flags (a debugger port, a test runner's loaders).
    execArgv: extra.execArgv ?? [],
    // In desktop VS Code `process.execPath` is the Electron binary: run it as Node.
    env: { ...process.env, ...extra.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    process.stderr.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let terminating = false;
  let exitListener: ((reason: string) => void) | undefined;
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  // 'close' comes after the output streams ended, so the tail holds the last words.
  child.on('close', (code, signal) => {
    if (terminating) return;
    const how = signal ? `killed by ${signal}` : `exit code ${code}`;
    const said = tellingLine(tail);
    exitListener?.(spawnError ? spawnError.message : said ? `${how}: ${said}` : how);
  });
  return {
    child,
    endpoint: processEndpoint(child),
    onExit: (listener) => (exitListener = listener),
    async terminate() {
      terminating = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), TERMINATE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
