/**
 * Where a model folder's files may really lie. A cloned repository is untrusted: a symlink
 * in it could make the tool read (and echo) any file on the machine. Links are followed only
 * to files inside the folder itself, or, for a Hugging Face cache snapshot
 * (`…/models--org--name/snapshots/<revision>/`), inside that repository's `blobs/`.
 */
import { realpath } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { ModelError } from '../modelError';

/**
 * The real path to open for `name` in `folder`; `undefined` when it does not exist; an error
 * when a link leads out of the folder. Paths that fail to resolve otherwise (permissions) go
 * back as they are, so that opening them reports the real problem.
 */
export async function confinedPath(folder: string, name: string): Promise<string | undefined> {
  const path = resolve(folder, name);
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(path), realpath(folder)]);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : path;
  }
  if (allowedRoots(root).some((allowed) => real === allowed || real.startsWith(allowed + sep)))
    return real;
  // The target is never named: it may be a secret, and messages end up in logs and exports.
  throw new ModelError(
    'unreadableFile',
    name,
    `${folder}/${name}: is a symbolic link to a file outside the model folder, which is not followed. Copy the file into the folder (links are followed only within it, and from a Hugging Face cache snapshot into its blobs/).`,
  );
}

/** The folder, plus its repository's `blobs/` when it is a Hugging Face cache snapshot. */
function allowedRoots(root: string): string[] {
  const snapshots = dirname(root);
  if (!snapshots.endsWith(`${sep}snapshots`)) return [root];
  return [root, resolve(dirname(snapshots), 'blobs')];
}

/** An errno code with words for people: `permission denied (EACCES)`. */
export function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return String(error);
  const words: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    ELOOP: 'too many levels of symbolic links',
    EIO: 'input/output error',
  };
  return words[code] ? `${words[code]} (${code})` : code;
}
