/**
 * Where a Hugging Face Hub repository lives, online and on disk: the Hub's base URL, the
 * URL layout of its API and file downloads, and the local folder a download goes to.
 * Pure (no I/O, no `vscode`), for plain-Node tests.
 */
import * as path from 'node:path';

/** The public Hub. `HF_ENDPOINT` overrides it, as in `huggingface_hub` (mirrors, tests). */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** The branch downloads start from; files are then fetched at the commit it points to. */
export const DEFAULT_REVISION = 'main';

/**
 * The Hub base URL: `HF_ENDPOINT` when set, else the public Hub; without a trailing slash.
 * Anything but an http(s) URL is refused, so a typo cannot send requests somewhere odd.
 */
export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `HF_ENDPOINT is not a URL: "${value}". Unset it to use ${DEFAULT_HUB_ENDPOINT}.`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`HF_ENDPOINT must be an http(s) URL, not "${value}".`);
  return url.href.replace(/\/+$/, '');
}

/** The access token for private and gated repositories: `HF_TOKEN`, as `huggingface_hub` reads it. */
export function hubToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.HF_TOKEN?.trim() || undefined;
}

// The Hub's own rule: letters, digits, `-`, `_`, `.`; an optional owner; no `--` or `..`
// (which is also why `owner--name` can name a local folder without ambiguity).
const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/**
 * Why `repo` is not a model repository id (`gpt2`, `Xenova/gpt2`), or undefined when it is.
 * Also accepts what a user pastes from the browser: `https://huggingface.co/Xenova/gpt2`.
 */
export function repoIdProblem(repo: string): string | undefined {
  const parts = repo.split('/');
  if (repo === '') return 'Enter a repository id such as Xenova/gpt2.';
  if (parts.length > 2) return `"${repo}" has more than one "/": a repository id is owner/name.`;
  for (const part of parts) {
    if (!REPO_PART.test(part) || part.includes('--') || part.includes('..') || /[.-]$/.test(part))
      return `"${part}" is not a valid repository name: use letters, digits, "-", "_" and ".".`;
  }
  return undefined;
}

/** Strips a pasted Hub URL (`https://huggingface.co/Xenova/gpt2/tree/main`) down to the id. */
export function normalizeRepoId(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  const match =
    /^https?:\/\/[^/]+\/(?!api\/)([^/]+(?:\/[^/]+)?)(?:\/(?:tree|blob|resolve)\/.*)?$/.exec(
      trimmed,
    );
  return match ? match[1] : trimmed;
}

const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** A file's bytes; the Hub answers with a redirect (to a CDN for large files). */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  return `${endpoint}/${encodePath(repo)}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

/** The page a person opens to read the model card or accept a gated model's terms. */
export function repoPageUrl(endpoint: string, repo: string): string {
  return `${endpoint}/${encodePath(repo)}`;
}

/**
 * The folder a repository downloads into, under `root` (the extension's global storage):
 * `root/Xenova--gpt2`, as the Hub cache flattens ids (`models--Xenova--gpt2`).
 */
export function repoFolder(root: string, repo: string): string {
  return path.join(root, repo.split('/').join('--'));
}
