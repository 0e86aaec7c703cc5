/**
 * The attention export streamed into a local file (issue 22): a full 512-token export of a
 * 30-layer model is 562 MB of JSON, so it goes to disk a chunk at a time through a Node
 * write stream, never as one buffer (`vscode.workspace.fs` can only write whole files:
 * docs/decisions.md, "Exports stream to disk"). Written to a temporary file beside the
 * target and renamed into place when complete, so a failure or a cancel leaves the old file.
 * Plain Node, no `vscode`: the unit tests run it with the real engine.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type AttentionSlicer,
  type ExportedResult,
  type ExportOptions,
  streamAttentionJson,
} from '../engine/export/attentionJson';

/** Bytes buffered before a write waits for the disk: a few chunks of rows. */
const HIGH_WATER_BYTES = 1 << 20;

/** Writes the export of `result` to `path`; resolves with the bytes written. */
export async function writeAttentionJsonFile(
  path: string,
  result: ExportedResult,
  slice: AttentionSlicer,
  options: ExportOptions,
  isCancelled: () => boolean = () => false,
): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const stream = createWriteStream(temp, { flags: 'wx', highWaterMark: HIGH_WATER_BYTES });
  let failure: NodeJS.ErrnoException | undefined;
  stream.on('error', (error) => (failure ??= error));
  const check = (): void => {
    if (failure) throw failure;
    if (isCancelled()) throw new ExportCancelled();
  };
  try {
    await once(stream, 'ready');
    await streamAttentionJson(
      result,
      // Checked before each slice too: a short text's whole matrix stack is a single chunk.
      (kind, layer, heads) => {
        check();
        return slice(kind, layer, heads);
      },
      async (chunk) => {
        check();
        // `once` rejects if 'error' comes first, and removes its listener either way.
        if (!stream.write(chunk)) await once(stream, 'drain');
      },
      options,
    );
    check();
    stream.end();
    await once(stream, 'finish');
    check();
    await rename(temp, path);
    return stream.bytesWritten;
  } catch (error) {
    // Read before destroying: a write still pending then fails with ERR_STREAM_DESTROYED,
    // which must not stand in for the real reason (a cancel, a slice refused).
    const diskFailure = failure;
    stream.destroy();
    await unlink(temp).catch(() => undefined);
    throw diskFailure ? writeError(path, diskFailure) : error;
  }
}

/** A disk error names the target, not the temporary file beside it; its `code` is kept. */
function writeError(path: string, error: NodeJS.ErrnoException): Error {
  const reason = error.code ? `${error.code}, ${error.syscall ?? 'write'}` : error.message;
  return Object.assign(
    new Error(`Cannot write ${path} (${reason}); any file there was left as it was.`),
    {
      code: error.code,
    },
  );
}

/** The user stopped the export; the target file was left as it was. */
export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
}
