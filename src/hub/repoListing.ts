/**
 * What a repository holds at one commit, read from the Hub's API: the commit a branch
 * points to (`/api/models/{id}/revision/{rev}` → `sha`) and every file with its size and
 * checksum (`/api/models/{id}/tree/{sha}?recursive=true`, paginated by `Link` headers).
 * Large files are in Git LFS (or Xet, which keeps the same `lfs` entry): their `lfs.oid`
 * is the SHA-256 of the content. Small files carry only their git blob id (`oid`, a
 * SHA-1 of `blob <size>\0<content>`), which verifies them just as well.
 */
import { answerError, HubError } from './hubError';
import { failure, hubGet, StallGuard, type HubConnection } from './hubHttp';
import { repoPageUrl, revisionUrl, treeUrl } from './hubRepo';

/** One file of a repository, as the tree API lists it. */
export interface RepoFile {
  /** Path in the repository, `/`-separated. */
  path: string;
  /** Size of the content in bytes (for LFS files, the real file, not the pointer). */
  size: number;
  /** SHA-256 of the content, hex, for LFS files. */
  sha256?: string;
  /** Git blob SHA-1, hex, for files stored in git itself. */
  gitOid?: string;
}

/** Enough for repositories with tens of thousands of files; bounds a misbehaving server. */
const MAX_PAGES = 100;
const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** The commit `revision` points to, so that every file comes from the same commit. */
export async function resolveCommit(
  conn: HubConnection,
  repo: string,
  revision: string,
): Promise<string> {
  const info = await getJson(conn, repo, revisionUrl(conn.endpoint, repo, revision));
  const sha = (info as { sha?: unknown } | null)?.sha;
  return typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : revision;
}

/** Every file of `repo` at `commit`. */
export async function listRepoFiles(
  conn: HubConnection,
  repo: string,
  commit: string,
): Promise<RepoFile[]> {
  const files: RepoFile[] = [];
  let url: string | undefined = treeUrl(conn.endpoint, repo, commit);
  for (let page = 0; url !== undefined; page++) {
    if (page === MAX_PAGES)
      throw badResponse(repo, `the file list has more than ${MAX_PAGES} pages`);
    const { json, next }: { json: unknown; next: string | undefined } = await getJsonPage(
      conn,
      repo,
      url,
    );
    if (!Array.isArray(json)) throw badResponse(repo, 'the file list is not a JSON array');
    for (const entry of json) {
      const file = toRepoFile(entry);
      if (file) files.push(file);
    }
    url = next;
  }
  return files;
}

function toRepoFile(entry: unknown): RepoFile | undefined {
  const e = entry as {
    type?: unknown;
    path?: unknown;
    size?: unknown;
    oid?: unknown;
    lfs?: { oid?: unknown; size?: unknown };
  };
  if (e?.type !== 'file' || typeof e.path !== 'string' || !isSize(e.size)) return undefined;
  if (e.lfs && typeof e.lfs.oid === 'string' && isSize(e.lfs.size))
    return { path: e.path, size: e.lfs.size, sha256: e.lfs.oid.toLowerCase() };
  return {
    path: e.path,
    size: e.size,
    gitOid: typeof e.oid === 'string' ? e.oid.toLowerCase() : undefined,
  };
}

const isSize = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

async function getJson(conn: HubConnection, repo: string, url: string): Promise<unknown> {
  return (await getJsonPage(conn, repo, url)).json;
}

async function getJsonPage(
  conn: HubConnection,
  repo: string,
  url: string,
): Promise<{ json: unknown; next: string | undefined }> {
  const guard = new StallGuard(conn.stallMs, conn.signal);
  try {
    const answer = await hubGet(url, conn, guard, { accept: 'application/json' });
    if (!answer.ok) {
      await answer.body?.cancel();
      throw answerError(
        {
          status: answer.status,
          errorCode: answer.headers.get('x-error-code'),
          errorMessage: answer.headers.get('x-error-message'),
        },
        repo,
        repoPageUrl(conn.endpoint, repo),
      );
    }
    const text = await readBounded(answer, guard, repo);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(repo, `${url} did not answer JSON`);
    }
    return { json, next: nextPage(answer.headers.get('link'), url) };
  } catch (error) {
    throw failure(error, conn, guard, `the file list of ${repo}`);
  } finally {
    guard.dispose();
  }
}

async function readBounded(answer: Response, guard: StallGuard, repo: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (!answer.body) return '';
  for await (const chunk of answer.body) {
    guard.poke();
    length += chunk.byteLength;
    if (length > MAX_JSON_BYTES)
      throw badResponse(repo, `an API answer is larger than ${MAX_JSON_BYTES >> 20} MB`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The `rel="next"` target of a `Link` header, resolved against the page's URL. */
export function nextPage(link: string | null, base: string): string | undefined {
  const match = link?.match(/<([^>]+)>\s*;\s*rel="?next"?/);
  return match ? new URL(match[1], base).href : undefined;
}

function badResponse(repo: string, what: string): HubError {
  return new HubError(
    'badResponse',
    `Unexpected answer from the Hub about ${repo}: ${what}. Try again later.`,
  );
}
