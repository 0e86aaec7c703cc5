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
}

/** A model folder held in memory, e.g. files the user dropped into a web page. */
export function memoryModelFiles(label: string, files: Record<string, Uint8Array>): ModelFiles {
  return {
    label,
    read: async (name) => (Object.hasOwn(files, name) ? files[name] : undefined),
    list: async () => Object.keys(files),
  };
}
