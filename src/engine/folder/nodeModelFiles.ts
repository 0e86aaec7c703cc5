import { constants, type Stats } from 'node:fs';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GRAPH_DIRECTORIES } from './onnxGraphFiles';
import { maxBytesOf, tooLarge } from './fileLimits';
import type { ModelFiles } from './modelFiles';
import { modelError } from '../modelError';

/** Node reads at most this much per call (2 GiB − 1); bigger files are read in steps. */
const READ_STEP = 1 << 30;

/**
 * A model folder on disk. A missing file reads as `undefined`; other failures throw.
 * Only regular files are read (a symlink may lead to one, as in the Hugging Face cache),
 * after their size is checked against `fileLimits.ts`, into one buffer that is handed on
 * without copying: a FIFO, `/dev/zero` or a 10 GB file costs nothing.
 */
export function nodeModelFiles(dir: string): ModelFiles {
  const label = resolve(dir);
  const fail = (name: string, what: string) =>
    modelError(
      'unreadableFile',
      label,
      name,
      what,
      'Check that the file is a readable regular file.',
    );
  return {
    label,
    async read(name) {
      let file: FileHandle;
      try {
        // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
        file = await open(resolve(label, name), constants.O_RDONLY | constants.O_NONBLOCK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        if (code === 'EISDIR') throw notRegular(label, name, 'a folder');
        throw fail(name, `cannot be read (${code ?? error})`);
      }
      try {
        const stats = await file.stat();
        if (!stats.isFile()) throw notRegular(label, name, kindOf(stats));
        if (stats.size > maxBytesOf(name)) throw tooLarge(label, name, stats.size);
        return await readAll(file, stats.size);
      } catch (error) {
        if ((error as { code?: string }).code === 'badModel') throw error;
        throw fail(name, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
      } finally {
        await file.close();
      }
    },
    list: () => listFolder(label),
  };
}

/** Regular files at the top and in the graph directories; a missing directory lists nothing. */
async function listFolder(dir: string): Promise<string[]> {
  const lists = await Promise.all(
    GRAPH_DIRECTORIES.map(async (sub) => {
      const entries = await readdir(resolve(dir, sub), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => sub + e.name);
    }),
  );
  return lists.flat();
}

/** Exactly `size` bytes into a fresh, unpooled buffer (so it can be transferred). */
async function readAll(file: FileHandle, size: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(size);
  let at = 0;
  while (at < size) {
    const { bytesRead } = await file.read(bytes, at, Math.min(READ_STEP, size - at), at);
    if (bytesRead === 0) break; // the file shrank while being read
    at += bytesRead;
  }
  return at === size ? bytes : bytes.subarray(0, at);
}

function notRegular(label: string, name: string, kind: string) {
  return modelError(
    'notRegularFile',
    label,
    name,
    `is not a regular file (${kind})`,
    `A model folder holds plain files; put the real ${name} there (a symlink to a regular file is fine).`,
  );
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a file';
}
