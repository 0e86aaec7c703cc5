/**
 * Reads the `--text-file` of the CLI as a user means it: UTF-8 (a byte order mark is
 * dropped, as VS Code drops it) or UTF-16 with its BOM. Special files, oversize files and
 * files that are not text end in a `UsageError` that says what to do.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from './cliArgs';

/** Largest text file the CLI reads; far beyond what one run inspects (it is cut to the model's context). */
export const MAX_TEXT_FILE_BYTES = 64 * 1024 ** 2;

export async function readTextFile(path: string): Promise<string> {
  const fail = (why: string, advice = 'Pass a readable text file to --text-file.') =>
    new UsageError(`Cannot read the text file ${path}: ${why}. ${advice}`);
  let file: FileHandle;
  try {
    // Non-blocking, so that a FIFO fails at once instead of waiting for a writer.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why: Record<string, string> = {
      ENOENT: 'it does not exist',
      EISDIR: 'it is a folder',
      ENXIO: 'it is not a regular file (a device, FIFO or socket)',
    };
    throw fail((code && why[code]) ?? (error as Error).message);
  }
  try {
    const stats = await file.stat();
    if (stats.isDirectory()) throw fail('it is a folder');
    if (!stats.isFile()) throw fail('it is not a regular file (a device, FIFO or socket)');
    if (stats.size > MAX_TEXT_FILE_BYTES) {
      throw fail(
        `it is ${(stats.size / 1024 ** 2).toFixed(1)} MiB, more than the ${MAX_TEXT_FILE_BYTES / 1024 ** 2} MiB the CLI reads`,
        'Pass the part you want to inspect (only the first few thousand tokens are inspected anyway).',
      );
    }
    const bytes = new Uint8Array(stats.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await file.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return decodeText(bytes.subarray(0, at), fail);
  } finally {
    await file.close();
  }
}

/** UTF-16 by its BOM, otherwise strict UTF-8; BOMs are dropped; binary data is refused. */
export function decodeText(
  bytes: Uint8Array,
  fail: (why: string, advice?: string) => Error,
): string {
  const encoding =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : 'utf-8';
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes); // drops the BOM
  } catch {
    throw fail(
      `it is not UTF-8 (or UTF-16 with a byte order mark) text`,
      'Convert it to UTF-8 first (e.g. iconv -f LATIN1 -t UTF-8), or pass --text.',
    );
  }
  if (text.includes('\0')) {
    throw fail('it holds NUL characters, so it looks like a binary file', 'Pass a text file.');
  }
  return text;
}
