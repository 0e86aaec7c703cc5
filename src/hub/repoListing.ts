/**
 * What a repository holds at one commit, asked through `@huggingface/hub`: the commit a
 * branch points to (`modelInfo` with the `sha` field: `/api/models/{id}/revision/{rev}`) and
 * every file with its size and checksum (`listFiles`: `/api/models/{id}/tree/{sha}`,
 * recursive, paginated by `Link` headers). Large files are in Git LFS (or Xet, which keeps
 * the same `lfs` entry): their `lfs.oid` is the SHA-256 of the content. Small files carry
 * only their git blob id (`oid`, a SHA-1 of `blob <size>\0<content>`), which verifies them
 * just as well. The library's failures become our `HubError`s with their messages.
 */
import { HubApiError, type ListFileEntry, listFiles, modelInfo } from '@huggingface/hub';
import { answerError, HubError } from './hubError';
import { apiFetch, type HubConnection, type RefusalSeen } from './hubHttp';
import { repoPageUrl } from './hubRepo';

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
const MAX_FILES = 200_000;
const MAX_JSON_BYTES = 32 * 1024 * 1024;

/** The commit `revision` points to, so that every file comes from the same commit. */
export async function resolveCommit(
  conn: HubConnection,
  repo: string,
  revision: string,
): Promise<string> {
  const info = await askHub(conn, repo, (fetch) =>
    modelInfo({ ...libraryParams(conn, fetch), name: repo, revision, additionalFields: ['sha'] }),
  );
  const sha: unknown = info.sha;
  return typeof sha === 'string' && /^[0-9a-f]{40}$/.test(sha) ? sha : revision;
}

/** Every file of `repo` at `commit`. */
export async function listRepoFiles(
  conn: HubConnection,
  repo: string,
  commit: string,
): Promise<RepoFile[]> {
  return askHub(conn, repo, async (fetch) => {
    const files: RepoFile[] = [];
    let seen = 0;
    const params = { ...libraryParams(conn, fetch), repo, revision: commit, recursive: true };
    for await (const entry of listFiles(params)) {
      if (++seen > MAX_FILES) throw badResponse(repo, `it lists more than ${MAX_FILES} entries`);
      const file = toRepoFile(entry);
      if (file) files.push(file);
    }
    return files;
  });
}

/** What every library call gets: our Hub, our token, our `fetch`. */
function libraryParams(conn: HubConnection, fetch: typeof globalThis.fetch) {
  return { hubUrl: conn.endpoint, accessToken: conn.token || undefined, fetch };
}

/** Runs one library call and turns whatever it throws into a `HubError` about `repo`. */
async function askHub<T>(
  conn: HubConnection,
  repo: string,
  call: (fetch: typeof globalThis.fetch) => Promise<T>,
): Promise<T> {
  const refusal: RefusalSeen = {};
  try {
    return await call(apiFetch(conn, `the file list of ${repo}`, refusal, MAX_JSON_BYTES));
  } catch (error) {
    if (error instanceof HubError) throw error;
    if (error instanceof HubApiError) {
      // The library keeps the status but drops `X-Error-Code` (gated vs missing): our fetch saw it.
      const answer = refusal.answer ?? {
        status: error.statusCode,
        errorCode: null,
        errorMessage: null,
      };
      throw answerError(answer, repo, repoPageUrl(conn.endpoint, repo));
    }
    // The library refuses a token that does not look like one before sending anything.
    if (error instanceof TypeError && /access token/i.test(error.message))
      throw new HubError(
        'unauthorized',
        'HF_TOKEN is not a Hugging Face access token (they start with "hf_"). Create a read ' +
          'token at https://huggingface.co/settings/tokens, or unset HF_TOKEN.',
      );
    if (error instanceof SyntaxError) throw badResponse(repo, 'an answer is not JSON');
    throw error;
  }
}

function toRepoFile(entry: ListFileEntry): RepoFile | undefined {
  if (entry.type !== 'file' || typeof entry.path !== 'string' || !isSize(entry.size))
    return undefined;
  if (entry.lfs && typeof entry.lfs.oid === 'string' && isSize(entry.lfs.size))
    return { path: entry.path, size: entry.lfs.size, sha256: entry.lfs.oid.toLowerCase() };
  return {
    path: entry.path,
    size: entry.size,
    gitOid: typeof entry.oid === 'string' ? entry.oid.toLowerCase() : undefined,
  };
}

const isSize = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function badResponse(repo: string, what: string): HubError {
  return new HubError(
    'badResponse',
    `Unexpected answer from the Hub about ${repo}: ${what}. Try again later.`,
  );
}
