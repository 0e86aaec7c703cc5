/**
 * Where a model folder's files come from: a directory (Node, see nodeModelFiles.ts), URLs
 * (see urlModelFiles.ts) or memory. The engine reads only through this interface, so it
 * needs no Node API to read a model (what a browser Web Worker would need).
 */
export interface ModelFiles {
  /** Names the folder in messages (a path or a URL, without a trailing slash). */
  readonly label: string;
  /** The file's bytes, or `undefined` when the folder has no such file. */
  read(name: string): Promise<Uint8Array | undefined>;
  /**
   * The folder's files as `/`-separated paths (`config.json`, `onnx/model.onnx`): the top
   * level and the graph directories of `GRAPH_DIRECTORIES`, no deeper. A source that cannot
   * list (plain URLs) returns the names among `candidates` that exist.
   */
  list(candidates: readonly string[]): Promise<string[]>;
  /**
   * Optional: the file's size and `length` bytes that hold its bytes at `spans` (zeros
   * elsewhere, never read), so that a graph using 164 kB of a 3 GB weights file reads 164 kB.
   */
  readSpans?(
    name: string,
    spans: readonly { offset: number; length: number }[],
    length: number,
  ): Promise<{ size: number; data: Uint8Array } | undefined>;
}

/** A model folder held in memory, e.g. files the user dropped into a web page. */
export function memoryModelFiles(label: string, files: Record<string, Uint8Array>): ModelFiles {
  return {
    label,
    read: async (name) => (Object.hasOwn(files, name) ? files[name] : undefined),
    list: async () => Object.keys(files),
  };
}

/**
 * The same files, with `list` answered from what earlier calls found: loading asks twice
 * (is it an encoder-decoder? which graph?), and a URL source answers each name with a
 * HEAD request.
 */
export function withListCache(files: ModelFiles): ModelFiles {
  const known = new Map<string, boolean>();
  return {
    label: files.label,
    read: (name) => files.read(name),
    ...(files.readSpans ? { readSpans: files.readSpans.bind(files) } : {}),
    async list(candidates) {
      const unknown = candidates.filter((name) => !known.has(name));
      if (unknown.length > 0) {
        const found = new Set(await files.list(unknown));
        for (const name of unknown) known.set(name, found.has(name));
      }
      return candidates.filter((name) => known.get(name));
    },
  };
}
