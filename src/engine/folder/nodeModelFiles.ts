import { constants, type Stats } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { confinedPath, errnoWords } from './folderPaths';
import { GRAPH_DIRECTORIES } from './onnxGraphFiles';
import { maxBytesOf, tooLarge } from './fileLimits';
import type { ModelFiles } from './modelFiles';
import { ModelError, modelError } from '../modelError';

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
  let folderChecked: Promise<void> | undefined;
  const folderIsDirectory = (): Promise<void> =>
    (folderChecked ??= stat(label).then(
      (stats) => {
        if (!stats.isDirectory()) throw notAFolder(label);
      },
      () => undefined, // a missing folder is reported by the reads, as before
    ));
  return {
    label,
    async read(name) {
      await folderIsDirectory();
      const file = await openFile(label, name, fail);
      if (!file) return undefined;
      try {
        const stats = await file.stat();
        if (!stats.isFile()) throw notRegular(label, name, kindOf(stats));
        if (stats.size > maxBytesOf(name)) throw tooLarge(label, name, stats.size);
        return await readAll(file, stats.size);
      } catch (error) {
        if ((error as { code?: string }).code === 'badModel') throw error;
        throw fail(name, `cannot be read (${errnoWords(error)})`);
      } finally {
        await file.close();
      }
    },
    async readSpans(name, spans, length) {
      await folderIsDirectory();
      const file = await openFile(label, name, fail);
      if (!file) return undefined;
      try {
        const stats = await file.stat();
        if (!stats.isFile()) throw notRegular(label, name, kindOf(stats));
        if (stats.size > maxBytesOf(name)) throw tooLarge(label, name, stats.size);
        return await readParts(file, stats.size, spans, length);
      } catch (error) {
        if ((error as { code?: string }).code === 'badModel') throw error;
        throw fail(name, `cannot be read (${errnoWords(error)})`);
      } finally {
        await file.close();
      }
    },
    list: async () => {
      await folderIsDirectory();
      return listFolder(label, fail);
    },
  };
}

/** Opens `name` for reading, or `undefined` when it does not exist. */
async function openFile(
  label: string,
  name: string,
  fail: (name: string, what: string) => Error,
): Promise<FileHandle | undefined> {
  const path = await confinedPath(label, name);
  if (!path) return undefined;
  try {
    // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
    return await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw notRegular(label, name, 'a folder');
    throw fail(name, `cannot be read (${errnoWords(error)})`);
  }
}

/**
 * Files at the top and in the graph directories; a missing directory lists nothing. Links
 * and special files are listed too, so that reading one says what it is (a FIFO model.onnx
 * is "not a regular file", not "no ONNX graph"); a directory that cannot be listed is an
 * error naming it.
 */
async function listFolder(
  dir: string,
  fail: (name: string, what: string) => Error,
): Promise<string[]> {
  const lists = await Promise.all(
    GRAPH_DIRECTORIES.map(async (sub) => {
      try {
        const entries = await readdir(resolve(dir, sub), { withFileTypes: true });
        return entries.filter((e) => !e.isDirectory()).map((e) => sub + e.name);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || (code === 'ENOTDIR' && sub !== '')) return [];
        if (code === 'ENOTDIR') throw notAFolder(dir);
        throw fail(sub || '.', `cannot be listed (${errnoWords(error)})`);
      }
    }),
  );
  return lists.flat();
}

/** `--model` (or the setting) names a file: say so, not "manifest.json: ENOTDIR". */
function notAFolder(dir: string): Error {
  return new ModelError(
    'unreadableFile',
    '',
    `${dir}: is a file, not a model folder. Give the folder that holds the model files (config.json, tokenizer.json, the .onnx graphs).`,
  );
}

/** `length` bytes holding the file's bytes at `spans`; the rest stays zero and is never read. */
async function readParts(
  file: FileHandle,
  size: number,
  spans: readonly { offset: number; length: number }[],
  length: number,
): Promise<{ size: number; data: Uint8Array }> {
  const data = new Uint8Array(Math.min(length, size));
  for (const span of spans) {
    const end = Math.min(span.offset + span.length, data.length);
    for (let at = span.offset; at < end; ) {
      const { bytesRead } = await file.read(data, at, Math.min(READ_STEP, end - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
  }
  return { size, data };
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
