import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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
  };
}
