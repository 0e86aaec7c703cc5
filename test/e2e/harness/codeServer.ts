/**
 * Runs the cached code-server (tools/codeserver/install.sh) for the end-to-end suite: a fresh
 * user-data and extensions folder per run, the packaged `.vsix` installed into it the way a user
 * installs a downloaded extension, and the workbench served on a free loopback port.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

/** What a started code-server needs to be driven and cleaned up. */
export interface CodeServer {
  /** Workbench URL with the workspace folder opened. */
  url: string;
  /** Folder holding `User/settings.json`. */
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed, for failure messages. */
  log: () => string;
  stop: () => Promise<void>;
}

/** Options for {@link startCodeServer}. */
export interface CodeServerOptions {
  vsix: string;
  workspace: string;
  settings: Record<string, unknown>;
  /** Extra extension folders linked into the extensions dir (e.g. the test-runner extension). */
  devExtensions?: { id: string; dir: string }[];
}

const entry = (): string =>
  execFileSync('bash', [join(repoRoot, 'tools/codeserver/install.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();

/** Asks the OS for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Writes `UDIR/User/settings.json` before code-server starts. */
function writeSettings(userDataDir: string, settings: Record<string, unknown>): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** Installs the `.vsix` into a fresh profile and serves the workspace; resolves once listening. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entryJs = entry();
  const base = mkdtempSync(join(tmpdir(), 'ai-e2e-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, options.settings);

  for (const dev of options.devExtensions ?? []) {
    // A link named publisher.name-version is enough, if it is there before the first install
    // writes extensions.json (later additions to the folder are not picked up).
    symlinkSync(dev.dir, join(extensionsDir, dev.id));
  }
  const dirs = ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  execFileSync('node', [entryJs, ...dirs, '--install-extension', options.vsix], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
  });

  const port = await freePort();
  const args = [
    entryJs,
    ...dirs,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
  const child = spawn('node', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForListening(child, () => output, port);

  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    userDataDir,
    extensionsDir,
    log: () => output,
    stop: async () => {
      await stopProcess(child);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

function waitForListening(child: ChildProcess, output: () => string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('code-server did not start in 60 s')), 60_000);
    const poll = setInterval(() => {
      if (output().includes(`HTTP server listening on http://127.0.0.1:${port}`)) {
        clearInterval(poll);
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    }, 100);
    const onExit = (code: number | null): void =>
      fail(new Error(`code-server exited with ${code}`));
    const fail = (error: Error): void => {
      clearInterval(poll);
      clearTimeout(timer);
      child.kill();
      reject(new Error(`${error.message}\n${output()}`));
    };
    child.once('exit', onExit);
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
