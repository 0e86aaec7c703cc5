/**
 * The attention slices the views asked the host for (issue 22: the engine holds the result,
 * the webview holds only what it shows). Each key is asked once; the answer is kept in a
 * small cache bounded by bytes, oldest use dropped first, so scrolling through layers of a
 * 2,048-token result does not pile up hundreds of megabytes. A failed ask is remembered with
 * its message, so a view can say why instead of asking again on every frame.
 */

/** Bytes of slices kept (a 512-token layer of 9 heads is 9.4 MB, one 2,048-token head 16.8 MB). */
export const SLICE_CACHE_BYTES = 64 * 1024 * 1024;

/** One key's state: asked (nothing yet), answered, or refused. */
interface Entry {
  weights?: Float32Array;
  error?: string;
}

export class SliceCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  /** Bumped by `clear`, so answers to asks of an earlier result are dropped. */
  private generation = 0;

  constructor(
    /** An answer (or failure) arrived: the views draw again. */
    private readonly changed: () => void,
    private readonly limit = SLICE_CACHE_BYTES,
  ) {}

  /**
   * The weights of `key` (`length` of them), asking with `fetch` the first time; undefined
   * until they arrive. An answer of another shape is refused as an error.
   */
  get(key: string, length: number, fetch: () => Promise<Float32Array>): Float32Array | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.weights;
    }
    this.entries.set(key, {});
    const generation = this.generation;
    fetch().then(
      (weights) =>
        this.settle(
          generation,
          key,
          weights instanceof Float32Array && weights.length === length
            ? { weights }
            : { error: 'The host answered with attention of the wrong shape.' },
        ),
      (error: unknown) =>
        this.settle(generation, key, {
          error: error instanceof Error ? error.message : String(error),
        }),
    );
    return undefined;
  }

  /** Weights already here for `key`, without asking. */
  peek(key: string): Float32Array | undefined {
    return this.entries.get(key)?.weights;
  }

  /** Why `key` could not be had, if it could not. */
  errorOf(key: string): string | undefined {
    return this.entries.get(key)?.error;
  }

  /** Bytes of weights held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** Forgets everything (a new result); answers still on their way are dropped. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.bytes = 0;
  }

  private settle(generation: number, key: string, entry: Entry): void {
    if (generation !== this.generation || !this.entries.has(key)) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.bytes += entry.weights?.byteLength ?? 0;
    // Oldest first; the answer just taken stays even when it alone exceeds the limit.
    for (const [old, held] of this.entries) {
      if (this.bytes <= this.limit || old === key) break;
      if (!held.weights) continue;
      this.entries.delete(old);
      this.bytes -= held.weights.byteLength;
    }
    this.changed();
  }
}
