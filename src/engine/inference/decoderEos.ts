/**
 * The ids that end a decoder's continuation: `eos_token_id` of generation_config.json (which
 * wins, as in transformers) or config.json, one id or a list, and the tokenizer's
 * `eos_token` (tokenizer_config.json), which is all a folder with our manifest.json states.
 */
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { ModelFiles } from '../folder/modelFiles';
import type { TextTokenizer } from '../tokenize/textTokenizer';

export async function decoderEosIds(
  files: ModelFiles,
  folder: Pick<LoadedModelFolder, 'tokenizerConfig'>,
  tokenizer: Pick<TextTokenizer, 'tokenToId' | 'vocabSize'>,
): Promise<Set<number>> {
  const ids = new Set<number>();
  const generation = await readJson(files, 'generation_config.json');
  const config = await readJson(files, 'config.json');
  const stated = generation?.eos_token_id ?? config?.eos_token_id;
  for (const id of Array.isArray(stated) ? stated : [stated]) {
    if (Number.isInteger(id) && id >= 0 && id < tokenizer.vocabSize) ids.add(id);
  }
  const named = folder.tokenizerConfig?.eos_token;
  const content =
    typeof named === 'string'
      ? named
      : typeof (named as { content?: unknown } | undefined)?.content === 'string'
        ? (named as { content: string }).content
        : undefined;
  const id = content === undefined ? undefined : tokenizer.tokenToId(content);
  if (id !== undefined && ids.size === 0) ids.add(id);
  return ids;
}

/** A JSON file of the folder as an object; absent or unreadable: undefined (facts are optional). */
async function readJson(
  files: ModelFiles,
  name: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    const bytes = await files.read(name);
    if (!bytes) return undefined;
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
