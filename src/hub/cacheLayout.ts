/**
 * Where a download lands in the Hugging Face cache, in the layout `huggingface_hub` writes
 * and reads: `models--org--name/blobs/<etag>` (the LFS sha256, else the git blob sha1),
 * `snapshots/<commit>/<path>` a relative link to that blob, `refs/<branch>` holding the
 * commit. A file Python or Transformers.js fetched is reused; ours are theirs to reuse.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { getRepoFolderName } from '@huggingface/hub';
import type { RepoFile } from './repoListing';

/** `huggingface_hub`'s name for a blob being fetched; it resumes such a file, and so do we. */
export const INCOMPLETE_SUFFIX = '.incomplete';

/** `cacheDir/models--org--name`. */
export function repoStorage(cacheDir: string, repo: string): string {
  return path.join(cacheDir, getRepoFolderName({ name: repo, type: 'model' }));
}

export function snapshotFolder(storage: string, commit: string): string {
  return path.join(storage, 'snapshots', commit);
}

/**
 * Where `file`'s bytes go: its blob, or (a listing without checksums, which the Hub does not
 * send) a plain file in the snapshot, which the loader reads as well.
 */
export function blobPath(storage: string, commit: string, file: RepoFile): string {
  const etag = file.sha256 ?? file.gitOid;
  if (etag === undefined)
    return path.join(snapshotFolder(storage, commit), ...file.path.split('/'));
  return path.join(storage, 'blobs', etag);
}

/** Links `snapshots/<commit>/<path>` to the blob, relative as `huggingface_hub` does. */
export async function linkIntoSnapshot(
  storage: string,
  commit: string,
  file: RepoFile,
): Promise<void> {
  const blob = blobPath(storage, commit, file);
  const pointer = path.join(snapshotFolder(storage, commit), ...file.path.split('/'));
  if (blob === pointer) return;
  const target = path.relative(path.dirname(pointer), blob);
  if ((await fs.readlink(pointer).catch(() => undefined)) === target) return;
  await fs.mkdir(path.dirname(pointer), { recursive: true });
  await fs.rm(pointer, { force: true });
  try {
    await fs.symlink(target, pointer);
  } catch (error) {
    // Windows without Developer Mode may not create links; huggingface_hub then keeps the
    // file itself in the snapshot, which every reader accepts (we copy, keeping the blob).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    await fs.copyFile(blob, pointer);
  }
}

/** `refs/<revision>` = commit, when the revision is a branch or tag (not the commit itself). */
export async function writeRef(storage: string, revision: string, commit: string): Promise<void> {
  if (revision === commit) return;
  const ref = path.join(storage, 'refs', ...revision.split('/'));
  await fs.mkdir(path.dirname(ref), { recursive: true });
  await fs.writeFile(ref, commit); // no newline: huggingface_hub writes none
}
