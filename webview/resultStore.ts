/**
 * The result the webview shows: metadata from `didStartResult`, each layer's overview
 * (thumbnails, head summaries) as it arrives, and the slices of attention the views ask
 * for (issue 22: the engine holds the result; the webview holds only what it shows, in a
 * bounded cache). Matrices derived from them are cached, since hover must not recompute.
 *
 * An encoder-decoder result holds three attentions; `kind` picks the one the views see
 * through `n` (rows), `cols`, `heads`, `units` and `keyUnits`: the encoder's (source ×
 * source), the decoder's (target × target, causal) or cross-attention (target rows × source
 * columns). Word level and hidden specials apply to the encoder's only.
 */
import { attentionRollout } from '../src/shared/attentionRollout';
import {
  displayUnits,
  projectMatrix,
  type DisplayUnits,
  type UnitOptions,
} from '../src/shared/displayUnits';
import { maxOverHeads, meanOverHeads } from '../src/shared/headAggregates';
import { headMatrix, type SquareMatrix } from '../src/shared/squareMatrix';
import { unitLabel } from '../src/shared/unitLabels';
import type {
  AttentionSliceRequest,
  AttentionStack,
  HeadSummary,
  LayerOverview,
} from '../src/engine/types';
import type { AttentionKind, ResultMeta } from '../src/protocol/webview';
import { OverviewPull } from './overviewPull';
import { SliceCache } from './sliceCache';
import { targetTokens } from './targetTokens';
import type { HeadChoice } from './viewState';

/** Rows and columns of the views under the current toggles, with their labels. */
export interface Units extends DisplayUnits {
  labels: string[];
}

/** How the store asks the host about result `runId` (src/protocol/webview.ts `WebviewHostApi`). */
export interface ResultQueries {
  overview(runId: number, kind: AttentionKind, layer: number): Promise<LayerOverview>;
  slice(runId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

/**
 * Rollout multiplies every layer up to the one shown, so it needs them all: it is fetched
 * layer by layer and refused when that would move more than this many bytes of attention.
 */
export const ROLLOUT_MAX_BYTES = 128 * 1024 * 1024;

const CACHE_LIMIT = 8;

/** Holds one run's result and derives what the views draw. */
export class ResultStore {
  meta: ResultMeta | null = null;
  /** Overviews per attention kind, a slot per layer until it arrives. */
  private readonly byKind: Record<AttentionKind, (LayerOverview | undefined)[]> = {
    encoder: [],
    decoder: [],
    cross: [],
  };
  private shownKind: AttentionKind = 'encoder';
  /** Every overview arrived. */
  finished = false;
  /** Why the result no longer matches the source, when an edit invalidated it. */
  staleReason: string | null = null;
  /** Why the host could not answer (the engine released the result, a slice failed). */
  queryError: string | null = null;
  private readonly slices: SliceCache;
  private readonly pull: OverviewPull;
  private readonly matrices = new Map<string, SquareMatrix>();
  private rollout: SquareMatrix[] = [];
  private rolling = false;
  private unitsCache: { key: string; units: Units } | null = null;
  private keyUnitsCache: Units | null = null;

  constructor(
    private readonly queries: ResultQueries,
    /** Something arrived (an overview, a slice, a failure): draw again. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.slices = new SliceCache(changed);
    this.pull = new OverviewPull(
      (kind, layer) => this.queries.overview(this.runIdOrThrow(), kind, layer),
      (overview) => this.takeOverview(overview),
      (message) => {
        this.queryError = message;
        this.changed();
      },
    );
  }

  /** A new result begins: everything of the previous one goes, and its overviews are asked for. */
  start(meta: ResultMeta): void {
    this.meta = meta;
    for (const kind of ['encoder', 'decoder', 'cross'] as const) {
      const stack = meta.stacks.find((s) => s.kind === kind);
      this.byKind[kind] = new Array(stack?.layers ?? 0).fill(undefined);
    }
    this.shownKind = 'encoder';
    this.finished = false;
    this.staleReason = null;
    this.queryError = null;
    this.slices.clear();
    this.forgetDerived();
    this.pull.start(meta.stacks);
  }

  /** Takes an overview of the current result; false for a misshapen one. */
  private takeOverview(overview: LayerOverview): boolean {
    if (typeof overview !== 'object' || overview === null) return false;
    const stack = this.stackOf(overview.kind);
    if (!stack || !(overview.thumbnails instanceof Float32Array)) return false;
    const slots = this.byKind[stack.kind];
    if (!Number.isInteger(overview.layer) || overview.layer < 0 || overview.layer >= slots.length)
      return false;
    if (overview.thumbnails.length !== stack.heads * overview.side * overview.colSide) return false;
    if (!Array.isArray(overview.summaries)) return false;
    slots[overview.layer] = overview;
    this.finished = this.receivedLayers === this.expectedLayers;
    this.changed();
    return true;
  }

  private stackOf(kind: AttentionKind): AttentionStack | undefined {
    return this.meta?.stacks.find((s) => s.kind === kind);
  }

  private runIdOrThrow(): number {
    if (!this.meta) throw new Error('no result on show');
    return this.meta.runId;
  }

  /** Drops every matrix, unit list and summary derived from the tensors on show. */
  private forgetDerived(): void {
    this.matrices.clear();
    this.rollout = [];
    this.unitsCache = null;
    this.keyUnitsCache = null;
    this.rolling = false;
  }

  /** The attention the views show; only `encoder` for a result without a decoder side. */
  get kind(): AttentionKind {
    return this.shownKind;
  }
  set kind(kind: AttentionKind) {
    const next = this.meta?.seq2seq ? kind : 'encoder';
    if (next === this.shownKind) return;
    this.shownKind = next;
    // Everything derived is per kind: matrices, units and summaries start over.
    this.forgetDerived();
  }

  /** The shown kind's layer overviews, undefined until they arrive. */
  get overviews(): (LayerOverview | undefined)[] {
    return this.byKind[this.shownKind];
  }

  /**
   * Heads `heads` of `layer` (`[heads.length, n, cols]`), asked for the first time they are
   * wanted; undefined until they arrive. A layer's heads all at once are one ask.
   */
  layerHeads(layer: number, heads: readonly number[]): Float32Array | undefined {
    const meta = this.meta;
    if (!meta || layer < 0 || layer >= this.layerCount) return undefined;
    const kind = this.shownKind;
    const all = heads.length === this.heads && heads.every((h, i) => h === i);
    const key = `${kind}/${layer}/${all ? 'all' : heads.join(',')}`;
    const whole = all ? undefined : this.wholeLayer(layer);
    if (whole) return this.cachedHeads(key, whole, heads);
    const { runId } = meta;
    const request: AttentionSliceRequest = all
      ? { kind, layer }
      : { kind, layer, heads: [...heads] };
    const length = heads.length * this.n * this.cols;
    return this.slices.get(key, length, () => this.queries.slice(runId, request));
  }

  /** Heads `heads` copied out of a whole layer already here (derived, so kept with the matrices). */
  private cachedHeads(key: string, whole: Float32Array, heads: readonly number[]): Float32Array {
    const size = this.n * this.cols;
    const m = this.cached(`heads/${key}`, () => {
      const data = new Float32Array(heads.length * size);
      heads.forEach((h, k) => {
        data.set(whole.subarray(h * size, (h + 1) * size), k * size);
      });
      return { n: heads.length * this.n, data, cols: this.cols };
    });
    return m.data;
  }

  /** The whole layer (`[heads, n, cols]`) when it is already here, without asking. */
  private wholeLayer(layer: number): Float32Array | undefined {
    return this.slices.peek(`${this.shownKind}/${layer}/all`);
  }

  /** Why the slice a view wants could not be had, or why rollout is refused; null if none. */
  notice(layer: number, head: HeadChoice): string | null {
    if (head === 'rollout' && this.shownKind !== 'cross' && !this.rolloutFits(layer)) {
      const mb = Math.round(ROLLOUT_MAX_BYTES / (1024 * 1024));
      return (
        `Rollout through layer ${layer} needs every layer's attention up to it (over ${mb} MB at ` +
        `${this.n} tokens): pick a head, the mean or the max, or inspect fewer tokens.`
      );
    }
    const key = typeof head === 'number' ? `${layer}/${head}` : `${layer}/all`;
    return this.slices.errorOf(`${this.shownKind}/${key}`) ?? this.queryError;
  }

  get runId(): number | null {
    return this.meta?.runId ?? null;
  }
  /** Rows of the shown attention (its query tokens). */
  get n(): number {
    return this.rowTokens().length;
  }
  /** Columns of the shown attention (its key tokens): `n` but for cross-attention. */
  get cols(): number {
    return this.shownKind === 'cross' ? (this.meta?.tokens.length ?? 0) : this.n;
  }
  get heads(): number {
    if (this.shownKind !== 'encoder') return this.meta?.seq2seq?.decoderHeads ?? 0;
    return this.meta?.model.heads ?? 0;
  }
  get layerCount(): number {
    return this.overviews.length;
  }
  get causal(): boolean {
    if (this.shownKind !== 'encoder') return this.shownKind === 'decoder';
    return this.meta?.model.architecture === 'decoder';
  }
  /** Overviews received of every kind (a result's progress). */
  get receivedLayers(): number {
    const { encoder, decoder, cross } = this.byKind;
    return [...encoder, ...decoder, ...cross].filter(Boolean).length;
  }
  /** Overviews expected of every kind. */
  get expectedLayers(): number {
    const { encoder, decoder, cross } = this.byKind;
    return encoder.length + decoder.length + cross.length;
  }

  /** The view's rows for `options` (query units; for the decoder side, one per token). */
  units(options: UnitOptions): Units {
    const options_ =
      this.shownKind === 'encoder' ? options : { wordLevel: false, hideSpecial: false };
    const key = `${options_.wordLevel}/${options_.hideSpecial}`;
    if (this.unitsCache?.key !== key) {
      const meta = this.meta;
      const tokens = this.rowTokens();
      const text = this.shownKind === 'encoder' ? (meta?.text ?? '') : '';
      const display = displayUnits(tokens, text, options_);
      const labels = display.units.map((u) => unitLabel(u, tokens, text));
      this.unitsCache = { key, units: { ...display, labels } };
    }
    return this.unitsCache.units;
  }

  /** The view's columns (key units): the rows' units but for cross-attention (source tokens). */
  keyUnits(options: UnitOptions): Units {
    if (this.shownKind !== 'cross') return this.units(options);
    if (!this.keyUnitsCache) {
      const meta = this.meta;
      const tokens = meta?.tokens ?? [];
      const display = displayUnits(tokens, meta?.text ?? '', {
        wordLevel: false,
        hideSpecial: false,
      });
      const labels = display.units.map((u) => unitLabel(u, tokens, meta?.text ?? ''));
      this.keyUnitsCache = { ...display, labels };
    }
    return this.keyUnitsCache;
  }

  /** The shown attention's query tokens: the source, or the decoder's (no source offsets). */
  private rowTokens() {
    if (this.shownKind === 'encoder' || !this.meta?.seq2seq) return this.meta?.tokens ?? [];
    return targetTokens(this.meta.seq2seq.decoderTokens);
  }

  /** The token-level matrix of `head` in `layer`, or undefined until its slice arrived. */
  tokenMatrix(layer: number, head: HeadChoice): SquareMatrix | undefined {
    const { n, heads, cols } = this;
    if (typeof head === 'number') {
      const whole = this.wholeLayer(layer);
      if (whole) return headMatrix(whole, n, head, cols);
      const one = this.layerHeads(layer, [head]);
      return one && headMatrix(one, n, 0, cols);
    }
    if (head === 'rollout') {
      // Rollout chains a stack's self-attention; cross-attention has no such chain.
      return this.shownKind === 'cross' ? undefined : this.rolloutTo(layer);
    }
    const weights = this.layerHeads(layer, range(heads));
    if (!weights) return undefined;
    if (head === 'mean')
      return this.cached(`mean/${layer}`, () => meanOverHeads(weights, n, heads, cols));
    return this.cached(`max/${layer}`, () => maxOverHeads(weights, n, heads, cols));
  }

  /** What a view shows for `layer`/`head` under `options` (rows = query units). */
  shown(layer: number, head: HeadChoice, options: UnitOptions): SquareMatrix | undefined {
    const tokens = this.tokenMatrix(layer, head);
    if (!tokens) return undefined;
    const units = this.units(options);
    if (this.shownKind !== 'encoder' || (!options.wordLevel && !options.hideSpecial)) return tokens;
    return this.cached(`shown/${layer}/${head}/${options.wordLevel}/${options.hideSpecial}`, () =>
      projectMatrix(tokens, units),
    );
  }

  /** Head summaries of every layer received so far, in layer/head order (the engine's). */
  summaries(): HeadSummary[] {
    return this.overviews.flatMap((overview) => overview?.summaries ?? []);
  }

  /** Whether rollout through `layer` fits `ROLLOUT_MAX_BYTES` of attention to fetch. */
  private rolloutFits(layer: number): boolean {
    return (layer + 1) * this.heads * this.n * this.cols * 4 <= ROLLOUT_MAX_BYTES;
  }

  /**
   * Rollout needs every layer up to `layer`: they are fetched one at a time (past the slice
   * cache, which keeps what views show) and folded in, so only the rolled matrices stay.
   */
  private rolloutTo(layer: number): SquareMatrix | undefined {
    if (this.rollout.length > layer) return this.rollout[layer];
    if (!this.meta || !this.rolloutFits(layer) || this.rolling) return undefined;
    this.rolling = true;
    const { runId } = this.meta;
    const kind = this.shownKind;
    const { n, heads } = this;
    const extend = async (): Promise<void> => {
      while (this.rollout.length <= layer) {
        const next = this.rollout.length;
        const weights =
          this.wholeLayer(next) ?? (await this.queries.slice(runId, { kind, layer: next }));
        if (this.meta?.runId !== runId || this.shownKind !== kind || !this.rolling) return;
        const before = this.rollout[next - 1];
        this.rollout.push(...attentionRollout([weights], n, heads, before));
      }
    };
    extend().then(
      () => {
        if (this.meta?.runId === runId && this.shownKind === kind) this.rolling = false;
        this.changed();
      },
      (error: unknown) => {
        if (this.meta?.runId !== runId) return;
        this.queryError = error instanceof Error ? error.message : String(error);
        this.changed();
      },
    );
    return undefined;
  }

  private cached(key: string, make: () => SquareMatrix): SquareMatrix {
    let m = this.matrices.get(key);
    if (!m) {
      m = make();
      if (this.matrices.size >= CACHE_LIMIT) {
        this.matrices.delete(this.matrices.keys().next().value as string);
      }
      this.matrices.set(key, m);
    }
    return m;
  }
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}
