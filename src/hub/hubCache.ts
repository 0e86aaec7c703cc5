/**
 * The models already in the user's Hugging Face cache (`$HF_HUB_CACHE`, else `$HF_HOME/hub`,
 * else `~/.cache/huggingface/hub`), as `huggingface_hub`, `huggingface-cli download`,
 * Optimum and Transformers.js write it: `models--org--name/{blobs,snapshots/<commit>,refs}`.
 * `@huggingface/hub` finds the cache and scans it; each revision is then checked the way the
 * folder loader would open it (cachedRevision.ts). Plain Node, for the CLI and the extension.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getHFHubCachePath, scanCacheDir, type CachedRepoInfo } from '@huggingface/hub';
import { checkRevision, type RevisionModel } from './cachedRevision';

/** One revision of a cached repository that this engine can open. */
export interface CachedModel extends RevisionModel {
  /** `org/name` (or `name` for the Hub's older top-level models). */
  repo: string;
  /** The snapshot's folder name: the commit hash. */
  commit: string;
  /** Branches and tags pointing at it (`main`). */
  refs: string[];
  /** The snapshot folder to open. */
  dir: string;
  /** What the user should know (a download of other files left unfinished). */
  notes: string[];
}

/** A repository or revision the listing leaves out, and why. */
export interface SkippedEntry {
  repo: string;
  commit?: string;
  dir: string;
  reason: string;
}

export interface HubCacheListing {
  cacheDir: string;
  models: CachedModel[];
  skipped: SkippedEntry[];
}

/**
 * Where the cache is: the environment variables `huggingface_hub` reads. Python expands a
 * leading `~` in them (`HF_HOME=~/hf`); the library does not, so it is expanded here.
 */
export function hubCacheDir(): string {
  const dir = getHFHubCachePath();
  return dir === '~' || /^~[\\/]/.test(dir) ? join(homedir(), dir.slice(1)) : dir;
}

/** Every model revision of the cache, usable ones in `models`, the others in `skipped`. */
export async function listCachedModels(cacheDir = hubCacheDir()): Promise<HubCacheListing> {
  const listing: HubCacheListing = { cacheDir, models: [], skipped: [] };
  const isDir = await stat(cacheDir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) return listing;
  let scan: Awaited<ReturnType<typeof scanCacheDir>>;
  try {
    scan = await scanCacheDir(cacheDir);
  } catch (error) {
    listing.skipped.push({
      repo: '',
      dir: cacheDir,
      reason: `cannot scan the cache: ${(error as Error).message}`,
    });
    return listing;
  }
  const repos = scan.repos.filter((repo) => repo.id.type === 'model').map(fromLibrary);
  for (const warning of scan.warnings) {
    const folder = /models--[^/\\\s'"]+/.exec(warning.message)?.[0];
    if (!folder) continue;
    // The library refuses a repository without refs/ (downloaded by commit hash only).
    const repo = await scanSnapshots(join(cacheDir, folder));
    if (repo) repos.push(repo);
    else
      listing.skipped.push({
        repo: repoName(folder),
        dir: join(cacheDir, folder),
        reason: `the cache scanner cannot read it: ${warning.message}`,
      });
  }
  repos.sort((a, b) => a.name.localeCompare(b.name));
  for (const repo of repos) await addRepo(listing, repo);
  return listing;
}

interface RepoRevisions {
  name: string;
  path: string;
  revisions: { commit: string; path: string; refs: string[]; modified: number }[];
}

function fromLibrary(repo: CachedRepoInfo): RepoRevisions {
  return {
    name: repo.id.name,
    path: repo.path,
    revisions: repo.revisions.map((r) => ({
      commit: r.commitOid,
      path: r.path,
      refs: r.refs,
      modified: r.lastModifiedAt.getTime(),
    })),
  };
}

/** The snapshots of a repository the library could not scan, refs read where present. */
async function scanSnapshots(path: string): Promise<RepoRevisions | undefined> {
  const folder = path.split(/[\\/]/).pop() as string;
  const entries = await readdir(join(path, 'snapshots'), { withFileTypes: true }).catch(
    () => undefined,
  );
  if (!entries) return undefined;
  const refs = await readRefs(join(path, 'refs'));
  const revisions = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const revisionPath = join(path, 'snapshots', entry.name);
    const modified = (await stat(revisionPath)).mtimeMs;
    const names = refs.filter(([, commit]) => commit === entry.name).map(([name]) => name);
    revisions.push({ commit: entry.name, path: revisionPath, refs: names, modified });
  }
  return { name: repoName(folder), path, revisions };
}

async function readRefs(dir: string): Promise<[string, string][]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const refs: [string, string][] = [];
  for (const name of names) {
    const commit = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    if (commit !== undefined) refs.push([name, commit.trim()]);
  }
  return refs;
}

async function addRepo(listing: HubCacheListing, repo: RepoRevisions): Promise<void> {
  const incomplete = await incompleteBlobs(repo.path);
  // `main` first, then the newest.
  const revisions = [...repo.revisions].sort(
    (a, b) =>
      Number(b.refs.includes('main')) - Number(a.refs.includes('main')) || b.modified - a.modified,
  );
  for (const revision of revisions) {
    const check = await checkRevision(revision.path);
    const where = { repo: repo.name, commit: revision.commit, dir: revision.path };
    if ('model' in check) {
      const notes = incomplete.length
        ? [
            `${incomplete.length} download(s) of this repository are unfinished (blobs/*.incomplete)`,
          ]
        : [];
      listing.models.push({ ...where, refs: revision.refs, ...check.model, notes });
    } else {
      const unfinished = incomplete.length
        ? ` (download incomplete: ${incomplete.join(', ')} in blobs/; finish it with huggingface-cli download ${repo.name})`
        : '';
      listing.skipped.push({ ...where, reason: check.reason + unfinished });
    }
  }
}

/** Blobs still being downloaded (or abandoned): `huggingface_hub` writes `<hash>.incomplete`. */
async function incompleteBlobs(repoPath: string): Promise<string[]> {
  const names = await readdir(join(repoPath, 'blobs')).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.incomplete'));
}

/** `models--org--name` → `org/name`. */
function repoName(folder: string): string {
  return folder.split('--').slice(1).join('/');
}

/** `main`, a tag, or the commit's first 7 characters: how the user names a revision. */
export function revisionLabel(model: Pick<CachedModel, 'refs' | 'commit'>): string {
  return model.refs.length > 0 ? model.refs.join(', ') : model.commit.slice(0, 7);
}
