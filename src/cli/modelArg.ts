/**
 * What `--model` names: a folder when the path exists (as before), else a model of the
 * Hugging Face cache named as on the Hub (`org/name`, `org/name@revision`), else the path,
 * which the loader then reports as missing.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { findCachedModel, parseModelName } from '../hub/cachedModelName';
import { listCachedModels } from '../hub/hubCache';

export async function resolveModelArg(
  model: string | undefined,
  fallback: string,
): Promise<string> {
  if (model === undefined) return resolve(fallback);
  if (existsSync(model)) return resolve(model);
  const name = parseModelName(model);
  if (!name) return resolve(model);
  const found = findCachedModel(await listCachedModels(), name.repo, name.revision);
  if (found instanceof Error) throw found;
  return found.dir;
}
