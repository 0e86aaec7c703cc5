/**
 * The heads of a layer the views ask for, by attention kind: one ask per set of heads (a
 * whole layer for mean, max and the head view; one head for the matrix view), answered
 * into the bounded `SliceCache`. Heads wanted from a layer already here are cut out of it,
 * without asking.
 */
import type { AttentionKind, AttentionSliceRequest, SliceWeights } from '../src/engine/types';
import { SliceCache } from './sliceCache';

/** A layer's shape: heads × rows × columns. */
export interface LayerShape {
  heads: number;
  n: number;
  cols: number;
}

/** Cut-out head sets kept (each a copy). */
const CUTS_KEPT = 8;

export class LayerSlices {
  private readonly cache: SliceCache;
  private readonly cuts = new Map<string, Float32Array>();

  constructor(
    private readonly ask: (request: AttentionSliceRequest) => Promise<Float32Array>,
    changed: () => void,
  ) {
    this.cache = new SliceCache(changed);
  }

  /** Forgets every slice (a new result); answers on their way are dropped. */
  clear(): void {
    this.cache.clear();
    this.cuts.clear();
  }

  /** Heads `heads` of `layer` (`[heads.length, n, cols]`), asked the first time; undefined until here. */
  heads(
    kind: AttentionKind,
    layer: number,
    heads: readonly number[],
    shape: LayerShape,
    weights: SliceWeights = 'attention',
  ): Float32Array | undefined {
    const all = heads.length === shape.heads && heads.every((h, i) => h === i);
    const key = keyOf(kind, layer, all ? 'all' : heads.join(','), weights);
    const whole = all ? undefined : this.whole(kind, layer, weights);
    if (whole) return this.cut(key, whole, heads, shape.n * shape.cols);
    const request: AttentionSliceRequest = all
      ? { kind, layer }
      : { kind, layer, heads: [...heads] };
    // Value-weighted rows come as the engine's row shares, the panel's one footing (valueWeighted.ts).
    const asked: AttentionSliceRequest =
      weights === 'attention' ? request : { ...request, weights, rowShares: true };
    return this.cache.get(key, heads.length * shape.n * shape.cols, () => this.ask(asked));
  }

  /** The whole layer when it is already here, without asking. */
  whole(
    kind: AttentionKind,
    layer: number,
    weights: SliceWeights = 'attention',
  ): Float32Array | undefined {
    return this.cache.peek(keyOf(kind, layer, 'all', weights));
  }

  /** Why one head (or, with `head` null, the whole layer) could not be had. */
  errorOf(
    kind: AttentionKind,
    layer: number,
    head: number | null,
    weights: SliceWeights = 'attention',
  ): string | undefined {
    return this.cache.errorOf(keyOf(kind, layer, head === null ? 'all' : String(head), weights));
  }

  private cut(key: string, whole: Float32Array, heads: readonly number[], size: number) {
    let data = this.cuts.get(key);
    if (!data) {
      const out = new Float32Array(heads.length * size);
      heads.forEach((h, k) => {
        out.set(whole.subarray(h * size, (h + 1) * size), k * size);
      });
      if (this.cuts.size >= CUTS_KEPT) this.cuts.delete(this.cuts.keys().next().value as string);
      this.cuts.set(key, out);
      data = out;
    }
    return data;
  }
}

function keyOf(kind: AttentionKind, layer: number, heads: string, weights: SliceWeights): string {
  return `${kind}/${layer}/${heads}/${weights}`;
}
