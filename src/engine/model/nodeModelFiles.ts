import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GRAPH_DIRECTORIES } from '../folder/onnxGraphFiles';
import type { ModelFiles } from './modelFiles';
import { modelError } from './modelError';

/** A model folder on disk. A missing file reads as `undefined`; other failures throw. */
export function nodeModelFiles(dir: string): ModelFiles {
  const label = resolve(dir);
  return {
    label,
    async read(name) {
      try {
        return new Uint8Array(await readFile(resolve(label, name)));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return undefined;
        throw modelError(
          'unreadableFile',
          label,
          name,
          `cannot be read (${code ?? error})`,
          'Check that the file is a readable regular file.',
        );
      }
    },
    list: () => listFolder(label),
  };
}

/** Regular files at the top and in the graph directories; a missing directory lists nothing. */
async function listFolder(dir: string): Promise<string[]> {
  const lists = await Promise.all(
    GRAPH_DIRECTORIES.map(async (sub) => {
      const entries = await readdir(resolve(dir, sub), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile()).map((e) => sub + e.name);
    }),
  );
  return lists.flat();
}
