/**
 * Where a model folder's files come from: a directory (Node, see nodeModelFiles.ts), URLs
 * (see urlModelFiles.ts) or memory. The engine reads only through this interface so that
 * it also runs in a browser Web Worker.
 */
export interface ModelFiles {
  /** Names the folder in messages (a path or a URL, without a trailing slash). */
  readonly label: string;
  /** The file's bytes, or `undefined` when the folder has no such file. */
  read(name: string): Promise<Uint8Array | undefined>;
}

/** A model folder held in memory, e.g. files the user dropped into a web page. */
export function memoryModelFiles(label: string, files: Record<string, Uint8Array>): ModelFiles {
  return {
    label,
    read: async (name) => (Object.hasOwn(files, name) ? files[name] : undefined),
  };
}
