/**
 * Where the CLI writes `--out`: checked before any inference (a missing folder is reported
 * in a second, not after the run), never the text file being inspected, and written to a
 * temporary file beside it that is renamed into place only when complete, so a full disk
 * or a crash leaves the old file as it was.
 */
import { createWriteStream } from 'node:fs';
import { realpath, rename, stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './cliArgs';

/** An output being written; `commit` puts it in place, `abort` leaves the old file alone. */
export interface OutFile {
  write(chunk: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Opens `--out` for writing, refusing `inputPath` (the `--text-file`) and unwritable places. */
export async function openOutFile(outPath: string, inputPath?: string): Promise<OutFile> {
  const target = await realpath(outPath).catch(() => resolve(outPath));
  const existing = await stat(target).catch(() => undefined);
  if (inputPath !== undefined) {
    const input = await stat(inputPath).catch(() => undefined);
    if (input && existing && input.dev === existing.dev && input.ino === existing.ino) {
      throw new UsageError(
        `--out ${outPath} is the text file being inspected; writing there would destroy it. Pick another --out file.`,
      );
    }
  }
  if (existing?.isDirectory())
    throw new UsageError(
      `--out ${outPath} is a folder. Give a file name, e.g. ${join(outPath, 'attention.json')}.`,
    );
  // A device or FIFO (/dev/stdout, a pipe) is written directly: it cannot be replaced by a rename.
  const atomic = existing === undefined || existing.isFile();
  const temp = atomic ? join(dirname(target), `.${basename(target)}.${process.pid}.tmp`) : target;
  const stream = createWriteStream(temp, { flags: atomic ? 'wx' : 'w' });
  let failure: Error | undefined;
  stream.on('error', (error) => (failure ??= error));
  await Promise.race([once(stream, 'ready'), once(stream, 'error')]).catch(() => undefined);
  const check = (): void => {
    if (failure) throw writeError(outPath, failure);
  };
  check();
  return {
    async write(chunk) {
      check();
      if (!stream.write(chunk))
        await Promise.race([once(stream, 'drain'), once(stream, 'error')]).catch(() => undefined);
      check();
    },
    async commit() {
      check();
      stream.end();
      await Promise.race([once(stream, 'finish'), once(stream, 'error')]).catch(() => undefined);
      check();
      if (atomic)
        await rename(temp, target).catch((error: Error) =>
          Promise.reject(writeError(outPath, error)),
        );
    },
    async abort() {
      stream.destroy();
      if (atomic) await unlink(temp).catch(() => undefined);
    },
  };
}

function writeError(outPath: string, error: Error): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: `the folder ${dirname(resolve(outPath))} does not exist`,
    ENOTDIR: `a part of the path ${dirname(resolve(outPath))} is not a folder`,
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
    EFBIG: 'the file would be larger than allowed',
  };
  const reason = (code && why[code]) ?? error.message;
  return new UsageError(
    `Cannot write --out ${outPath}: ${reason}${code ? ` (${code})` : ''}; any existing file there was left as it was. Pick another --out file.`,
  );
}
