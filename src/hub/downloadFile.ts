/**
 * Downloads one file of a repository, resumably and verified:
 * - bytes go to `<dest>.part`; a `.part` left by an earlier attempt is continued with an
 *   HTTP `Range` request (a server that ignores it answers 200 and the file restarts);
 * - a connection that drops or stalls mid-file is resumed the same way, a few times;
 * - the finished `.part` must have the size the Hub lists and the checksum it lists (the
 *   LFS SHA-256, or the git blob SHA-1 of small files), read back from disk; otherwise it
 *   is deleted, so bad bytes are never resumed nor used;
 * - only then is it renamed to `dest`, so a file with the final name is always complete.
 * Pure Node, no `vscode`.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { answerError, HubError, networkCode } from './hubError';
import { failure, hubGet, StallGuard, type HubConnection } from './hubHttp';
import { repoPageUrl } from './hubRepo';
import type { RepoFile } from './repoListing';

/** The suffix of a file being downloaded. */
export const PART_SUFFIX = '.part';

/** One file to fetch. */
export interface FileJob {
  repo: string;
  file: RepoFile;
  /** Where its bytes are (`resolveUrl`). */
  url: string;
  /** Its final path on disk. */
  dest: string;
  /** The suffix of the file being written; `PART_SUFFIX` by default. */
  partSuffix?: string;
  /** Resumes after a dropped or stalled connection at most this many times. */
  retries: number;
  /** Called with the bytes of this file on disk so far, after every chunk written. */
  onBytes: (bytesOnDisk: number) => void;
}

/** Downloads `job.file` to `job.dest` (see the module comment). */
export async function downloadFile(conn: HubConnection, job: FileJob): Promise<void> {
  const part = job.dest + (job.partSuffix ?? PART_SUFFIX);
  await fs.mkdir(path.dirname(job.dest), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    let have = await sizeOf(part);
    if (have > job.file.size) {
      await fs.rm(part, { force: true });
      have = 0;
    }
    job.onBytes(have);
    if (have === job.file.size) break;
    try {
      await appendFrom(conn, job, part, have);
      break;
    } catch (error) {
      // Resume at once after a dropped or stalled connection that had brought some bytes;
      // anything else (cancel, HTTP errors, a full disk) ends the download.
      const resumable =
        error instanceof HubError && (error.problem === 'offline' || error.problem === 'stalled');
      const progressed = (await sizeOf(part)) > have;
      if (!resumable || !progressed || attempt >= job.retries) throw error;
    }
  }
  await verify(job, part);
  await fs.rename(part, job.dest);
}

/** Fetches the bytes after the first `have` of the file and appends them to `part`. */
async function appendFrom(
  conn: HubConnection,
  job: FileJob,
  part: string,
  have: number,
): Promise<void> {
  const guard = new StallGuard(conn.stallMs, conn.signal);
  const out = await fs.open(part, 'a');
  let written = have;
  try {
    // Uncompressed, so that the bytes on disk are the file's and a later range starts at
    // the right offset (fetch itself asks for `identity` when a range is sent).
    const headers: Record<string, string> =
      have > 0 ? { range: `bytes=${have}-` } : { 'accept-encoding': 'identity' };
    const answer = await hubGet(job.url, conn, guard, headers);
    if (answer.status === 206 && contentRangeStart(answer.headers.get('content-range')) === have) {
      // Continues where the part ends.
    } else if (answer.status === 200) {
      await out.truncate(0); // the server ignored the range: start over
      written = 0;
      job.onBytes(0);
    } else {
      await answer.body?.cancel();
      if (answer.ok || answer.status === 416)
        throw new HubError(
          'badResponse',
          `The Hub answered HTTP ${answer.status} to a resumed download of ${job.file.path}; run the download again.`,
        );
      throw answerError(
        {
          status: answer.status,
          errorCode: answer.headers.get('x-error-code'),
          errorMessage: answer.headers.get('x-error-message'),
        },
        job.repo,
        repoPageUrl(conn.endpoint, job.repo),
        job.file.path,
      );
    }
    if (!answer.body)
      throw new HubError('badResponse', `The Hub sent no bytes for ${job.file.path}.`);
    for await (const chunk of answer.body) {
      guard.poke();
      written += chunk.byteLength;
      if (written > job.file.size) {
        await out.close().catch(() => undefined);
        await fs.rm(part, { force: true });
        throw sizeMismatch(job, `more than ${job.file.size}`);
      }
      await out.write(chunk);
      job.onBytes(written);
    }
  } catch (error) {
    const err = failure(error, conn, guard, job.file.path);
    if (err.problem !== 'offline' || written === have) throw err;
    throw new HubError(
      'offline',
      `The connection to ${new URL(job.url).host} dropped after ${written} of ${job.file.size} bytes of ` +
        `${job.file.path} (${networkCode(error) ?? 'closed'}). Run the download again: it resumes where it stopped.`,
    );
  } finally {
    guard.dispose();
    await out.close().catch(() => undefined);
  }
}

/** Checks size and checksum of the finished `part`; deletes it when they are wrong. */
async function verify(job: FileJob, part: string): Promise<void> {
  const { file } = job;
  const size = await sizeOf(part);
  if (size !== file.size) {
    await fs.rm(part, { force: true });
    throw sizeMismatch(job, String(size));
  }
  const expected = file.sha256 ?? file.gitOid;
  if (expected === undefined) return;
  const actual = await checksumOf(part, file);
  if (actual === expected) return;
  await fs.rm(part, { force: true });
  const kind = file.sha256 ? 'SHA-256' : 'git blob SHA-1';
  throw new HubError(
    'checksumMismatch',
    `${file.path} of ${job.repo} is corrupt: its ${kind} is ${actual}, the Hub lists ${expected}. ` +
      'The downloaded bytes were discarded; run the download again. If it fails again, a proxy ' +
      'or mirror (HF_ENDPOINT) may be altering files.',
  );
}

/** The file's checksum in the form the Hub lists for it. */
export async function checksumOf(filePath: string, file: RepoFile): Promise<string> {
  const hash = createHash(file.sha256 ? 'sha256' : 'sha1');
  if (!file.sha256) hash.update(`blob ${file.size}\0`);
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function sizeMismatch(job: FileJob, got: string): HubError {
  return new HubError(
    'sizeMismatch',
    `${job.file.path} of ${job.repo} arrived with ${got} bytes, but the Hub lists ${job.file.size}. ` +
      'The downloaded bytes were discarded; run the download again.',
  );
}

/** The first byte of a `Content-Range: bytes <start>-<end>/<total>` header. */
export function contentRangeStart(header: string | null): number | undefined {
  const match = header?.match(/^bytes (\d+)-\d+\/(?:\d+|\*)$/);
  return match ? Number(match[1]) : undefined;
}

export async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}
