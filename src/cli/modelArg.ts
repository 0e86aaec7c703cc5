/**
 * What `--model` names: a folder when the path exists (as before), else a model of the
 * Hugging Face cache named as on the Hub (`org/name`, `org/name@revision`), else the path,
 * which the loader then reports as missing. With `--download`, a model the cache lacks is
 * fetched into it from the Hub.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findCachedModel, parseModelName } from '../hub/cachedModelName';
import { downloadModel } from '../hub/downloadModel';
import { hubCacheDir, listCachedModels } from '../hub/hubCache';
import { progressMessage } from '../hub/progressText';

/** With `download`, a name the cache lacks is fetched into it (progress on stderr). */
export async function resolveModelArg(
  model: string | undefined,
  fallback: string,
  download = false,
): Promise<string> {
  if (model === undefined) return resolve(fallback);
  if (existsSync(model)) return resolve(model);
  const name = parseModelName(model);
  if (!name) return resolve(model);
  const found = findCachedModel(await listCachedModels(), name.repo, name.revision);
  if (!(found instanceof Error)) return found.dir;
  if (!download) throw found;
  let file: string | undefined;
  const result = await downloadModel({
    repo: name.repo,
    root: '',
    cacheDir: hubCacheDir(),
    ...(name.revision ? { revision: name.revision } : {}),
    onProgress: (progress) => {
      // One line per file, not per chunk.
      if (progress.file === file) return;
      file = progress.file;
      process.stderr.write(`download: ${progressMessage(progress)}\n`);
    },
  });
  return result.folder;
}
