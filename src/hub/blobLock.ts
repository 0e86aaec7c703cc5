/**
 * One writer per blob: a download takes `.locks/models--org--name/<blob>.inspector.lock`
 * (the cache's lock folder, as `huggingface_hub` uses it) before it checks or fetches the blob,
 * so two downloads of the same model (two VS Code windows, the CLI beside the extension) do
 * not append to one `<blob>.incomplete`, nor one rename a blob the other still writes to.
 * The file holds the owner's pid; a lock whose process is gone is taken over. Python's own
 * `<blob>.lock` is an OS `flock`, which Node cannot take, so it is left alone (see
 * docs/decisions.md). Pure Node, no `vscode`.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { HubError } from './hubError';

const POLL_MS = 200;

/** Where the lock of `blob` (a path in `<storage>/blobs/`) lives. */
export function blobLockPath(cacheDir: string, storage: string, blob: string): string {
  return path.join(
    cacheDir,
    '.locks',
    path.basename(storage),
    `${path.basename(blob)}.inspector.lock`,
  );
}

/** Runs `work` holding the lock at `lockPath`, waiting (cancellably) while another holds it. */
export async function withBlobLock<T>(
  lockPath: string,
  signal: AbortSignal | undefined,
  work: () => Promise<T>,
): Promise<T> {
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  const mine = String(process.pid);
  while (!(await tryTake(lockPath, mine))) {
    if (signal?.aborted) throw new HubError('cancelled', 'The download was cancelled.');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await work();
  } finally {
    const holder = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
    if (holder === mine) await fs.rm(lockPath, { force: true });
  }
}

/** Creates the lock file, or removes one whose owner has exited; true when it is ours. */
async function tryTake(lockPath: string, mine: string): Promise<boolean> {
  try {
    await fs.writeFile(lockPath, mine, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = await fs.readFile(lockPath, 'utf8').catch(() => undefined);
  if (holder === undefined) return false;
  // Read between the other's create and write, the file is empty for an instant: not stale
  // unless it stays empty (its writer died in between).
  const stale = holder === '' ? await olderThan(lockPath, 10_000) : !isAlive(Number(holder));
  if (stale) await fs.rm(lockPath, { force: true });
  return false;
}

async function olderThan(file: string, ms: number): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat !== undefined && Date.now() - stat.mtimeMs > ms;
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}
