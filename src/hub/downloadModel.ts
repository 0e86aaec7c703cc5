/**
 * Downloads a model repository from the Hugging Face Hub into the Hugging Face cache's
 * standard layout (cacheLayout.ts), or a plain folder, which the engine opens as it is: list the files at the commit `main` points to, choose the ones a model folder
 * needs (chooseFiles.ts), and fetch each one resumably and verified (downloadFile.ts),
 * smallest first so that a wrong repository fails before the large graph; in the cache, each
 * blob under its lock (blobLock.ts), so two downloads never write one blob. Pure Node, no
 * `vscode`: the command in src/commands/downloadModelCommand.ts adds the pickers and progress bar.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GraphFile } from '../engine/folder/onnxGraphFiles';
import { blobLockPath, withBlobLock } from './blobLock';
import { chooseFiles, type FileChoice } from './chooseFiles';
import { checksumOf, downloadFile } from './downloadFile';
import { HubError } from './hubError';
import type { HubConnection } from './hubHttp';
import {
  DEFAULT_REVISION,
  hubEndpoint,
  hubToken,
  repoFolder,
  repoIdProblem,
  resolveUrl,
} from './hubRepo';
import { listRepoFiles, resolveCommit, type RepoFile } from './repoListing';
import {
  blobPath,
  INCOMPLETE_SUFFIX,
  linkIntoSnapshot,
  repoStorage,
  snapshotFolder,
  writeRef,
} from './cacheLayout';

/** How far a download is. */
export interface DownloadProgress {
  /** The file being fetched, or undefined while the file list is read. */
  file?: string;
  /** Bytes of the chosen files on disk. */
  doneBytes: number;
  /** Bytes of all chosen files; 0 until the list is read. */
  totalBytes: number;
}

export interface DownloadOptions {
  /** Repository id, `owner/name` or a legacy `name`. */
  repo: string;
  /** Folder under which each repository gets its own folder (`repoFolder`); unused with `cacheDir`. */
  root: string;
  /**
   * A Hugging Face cache (`hubCacheDir()`): files land in its standard layout (cacheLayout.ts)
   * and the result's folder is the snapshot. Without it, a plain folder under `root`.
   */
  cacheDir?: string;
  /** The Hub base URL; defaults to `hubEndpoint()` (`HF_ENDPOINT` or the public Hub). */
  endpoint?: string;
  /** Access token; defaults to `HF_TOKEN`; an empty string sends none. */
  token?: string;
  /** Branch, tag or commit; `main` by default. */
  revision?: string;
  /** A graph other than the best-ranked one (a path in the repository). */
  graphPath?: string;
  signal?: AbortSignal;
  /** A request that receives nothing for this long is aborted; 30 s by default. */
  stallMs?: number;
  /** Resumes per file after a dropped connection; 3 by default. */
  retries?: number;
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Asked once the files are chosen, before any is fetched: resolves with the graph to
   * fetch (`choice.graph.path`, or another of `choice.graphs`), or undefined to cancel.
   */
  confirm?: (choice: FileChoice) => Promise<string | undefined>;
}

/** A finished download. */
export interface DownloadResult {
  /** The model folder. */
  folder: string;
  repo: string;
  /** The commit the files come from. */
  commit: string;
  graph: GraphFile;
  files: RepoFile[];
  totalBytes: number;
  /** Bytes fetched by this call (less than `totalBytes` after a resume or a repeat). */
  fetchedBytes: number;
}

/** Downloads `options.repo` (see the module comment). Rejects with a `HubError`. */
export async function downloadModel(options: DownloadOptions): Promise<DownloadResult> {
  const { repo } = options;
  const problem = repoIdProblem(repo);
  if (problem) throw new HubError('badRepoId', problem);
  const conn: HubConnection = {
    endpoint: options.endpoint ?? hubEndpoint(),
    token: options.token ?? hubToken(),
    signal: options.signal,
    stallMs: options.stallMs ?? 30_000,
  };
  const report = options.onProgress ?? (() => undefined);
  report({ doneBytes: 0, totalBytes: 0 });
  const commit = await resolveCommit(conn, repo, options.revision ?? DEFAULT_REVISION);
  const listing = await listRepoFiles(conn, repo, commit);
  let choice = chooseFiles(repo, listing, options.graphPath);
  if (options.confirm) {
    const graphPath = await options.confirm(choice);
    if (graphPath === undefined)
      throw new HubError('cancelled', `The download of ${repo} was cancelled.`);
    if (graphPath !== choice.graph.path) choice = chooseFiles(repo, listing, graphPath);
  }
  const storage = options.cacheDir === undefined ? undefined : repoStorage(options.cacheDir, repo);
  const folder = storage ? snapshotFolder(storage, commit) : repoFolder(options.root, repo);
  let finished = 0;
  let fetchedBytes = 0;
  for (const file of choice.files) {
    const dest = storage
      ? blobPath(storage, commit, file)
      : path.join(folder, ...file.path.split('/'));
    const locked = <T>(work: () => Promise<T>) =>
      storage && options.cacheDir !== undefined
        ? withBlobLock(blobLockPath(options.cacheDir, storage, dest), options.signal, work)
        : work();
    await locked(async () => {
      if (await isComplete(dest, file)) return;
      let onDisk: number | undefined; // the first report is what an earlier attempt left
      await downloadFile(conn, {
        repo,
        file,
        url: resolveUrl(conn.endpoint, repo, commit, file.path),
        dest,
        ...(storage ? { partSuffix: INCOMPLETE_SUFFIX } : {}),
        retries: options.retries ?? 3,
        onBytes: (bytes) => {
          if (onDisk !== undefined && bytes > onDisk) fetchedBytes += bytes - onDisk;
          onDisk = bytes;
          report({ file: file.path, doneBytes: finished + bytes, totalBytes: choice.totalBytes });
        },
      });
    });
    if (storage) await linkIntoSnapshot(storage, commit, file);
    finished += file.size;
    report({ file: file.path, doneBytes: finished, totalBytes: choice.totalBytes });
  }
  if (storage) await writeRef(storage, options.revision ?? DEFAULT_REVISION, commit);
  return {
    folder,
    repo,
    commit,
    graph: choice.graph,
    files: choice.files,
    totalBytes: choice.totalBytes,
    fetchedBytes,
  };
}

/**
 * Whether `dest` already holds `file` as listed (a repeated download, or one resumed after
 * some files finished). A file of the same name from another commit is replaced.
 */
async function isComplete(dest: string, file: RepoFile): Promise<boolean> {
  const stat = await fs.stat(dest).catch(() => undefined);
  if (stat?.isFile() !== true || stat.size !== file.size) return false;
  const expected = file.sha256 ?? file.gitOid;
  if (expected === undefined || (await checksumOf(dest, file)) === expected) return true;
  await fs.rm(dest, { force: true });
  return false;
}
