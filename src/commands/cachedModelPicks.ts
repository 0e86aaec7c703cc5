/**
 * The Select Model… entries for the models already in the Hugging Face cache (src/hub/hubCache.ts):
 * one per usable revision, under a separator naming the cache folder.
 */
import * as vscode from 'vscode';
import { listCachedModels } from '../hub/hubCache';
import { cachedModelSummary } from '../hub/cachedModelText';

/** A pick whose setting is the snapshot folder to open. */
export interface CachedModelPick extends vscode.QuickPickItem {
  setting?: string;
}

export async function cachedModelPicks(): Promise<CachedModelPick[]> {
  let listing: Awaited<ReturnType<typeof listCachedModels>>;
  try {
    listing = await listCachedModels();
  } catch (error) {
    // The cache is a convenience: an unreadable one must not block choosing a folder.
    return [separator(`Hugging Face cache: cannot be read (${(error as Error).message})`)];
  }
  if (listing.models.length === 0 && listing.skipped.length === 0) return [];
  const skipped = listing.skipped.length
    ? `, ${listing.skipped.length} not openable (node dist/cli.js models says why)`
    : '';
  return [
    separator(`Hugging Face cache ${listing.cacheDir}${skipped}`),
    ...listing.models.map((model) => ({
      label: `$(database) ${model.repo}`,
      description: cachedModelSummary(model),
      detail: [...model.notes, model.dir].join(' · '),
      setting: model.dir,
    })),
  ];
}

function separator(label: string): CachedModelPick {
  return { label, kind: vscode.QuickPickItemKind.Separator };
}
