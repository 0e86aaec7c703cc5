/**
 * `org/name` or `org/name@revision`: a model named as on the Hub, found in the Hugging Face
 * cache. The revision is a branch or tag the cache recorded (`refs/`), a commit hash, or a
 * commit's first characters (at least 7); without one, `main` (or the only revision cached).
 */
import type { HubCacheListing, CachedModel } from './hubCache';
import { revisionLabel } from './hubCache';

/** A Hub repository name, optionally with `@revision`; `undefined` when `text` is not one. */
export function parseModelName(text: string): { repo: string; revision?: string } | undefined {
  const match = /^([A-Za-z0-9][\w.-]*(?:\/[A-Za-z0-9][\w.-]*)?)(?:@([\w./-]+))?$/.exec(text);
  if (!match || match[1].includes('..')) return undefined;
  return { repo: match[1], ...(match[2] ? { revision: match[2] } : {}) };
}

/** The cached revision named; an Error whose message says what the cache has instead. */
export function findCachedModel(
  listing: HubCacheListing,
  repo: string,
  revision?: string,
): CachedModel | Error {
  const same = (name: string) => name.toLowerCase() === repo.toLowerCase();
  const models = listing.models.filter((model) => same(model.repo));
  const skipped = listing.skipped.filter((entry) => same(entry.repo));
  const matches = models.filter((model) =>
    revision === undefined
      ? model.refs.includes('main') || models.length === 1
      : model.refs.includes(revision) ||
        model.commit === revision ||
        (revision.length >= 7 && model.commit.startsWith(revision)),
  );
  if (matches.length === 1) return matches[0];
  const named = revision === undefined ? repo : `${repo}@${revision}`;
  if (matches.length > 1)
    return new Error(
      `${named} matches several cached revisions (${matches.map(revisionLabel).join('; ')}); name one with @revision.`,
    );
  const reasons = skipped
    .filter((entry) => revision === undefined || entry.commit?.startsWith(revision))
    .map((entry) => `${entry.commit?.slice(0, 7) ?? entry.repo}: ${entry.reason}`);
  if (reasons.length > 0)
    return new Error(
      `${named} is in the Hugging Face cache but cannot be opened: ${reasons.join('; ')}.`,
    );
  if (models.length > 0)
    return new Error(
      `${named}: the Hugging Face cache (${listing.cacheDir}) has ${models.map(revisionLabel).join('; ')} of ${repo}, not that revision.`,
    );
  return new Error(
    `${named} is not in the Hugging Face cache (${listing.cacheDir}) and is not a folder. Download it (huggingface-cli download ${repo}, or Download Model… in VS Code) or give a model folder.`,
  );
}
