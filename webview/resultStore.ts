/**
 * The result the webview shows: metadata from `didStartResult`, each layer's overview
 * (thumbnails, head summaries) as it arrives, and the slices of attention the views ask
 * for (issue 22: the engine holds the result; the webview holds only what it shows, in a
 * bounded cache). Matrices derived from them are cached, since hover must not recompute.
 *
 * An encoder-decoder result holds three attentions; `kind` picks the one the views see through
 * `n` (rows), `cols`, `heads`, `units` and `keyUnits`: the encoder's (source × source), the
 * decoder's (target × target, causal) or cross (target × source). Word level: encoder only.
 */
import { projectMatrix, type UnitOptions } from '../src/shared/displayUnits';
import { maxOverHeads, meanOverHeads } from '../src/shared/headAggregates';
import { LruCache } from '../src/shared/lruCache';
import { headMatrix, type SquareMatrix } from '../src/shared/squareMatrix';
import type {
  AttentionSliceRequest,
  AttentionStack,
  HeadSummary,
  LayerOverview,
  SliceWeights,
} from '../src/engine/types';
import type { AttentionKind, ResultMeta } from '../src/protocol/webview';
import { fitsStack, OverviewPull, sentOverviews } from './overviewPull';
import { RolloutChain } from './rolloutChain';
import { LayerSlices } from './layerSlices';
import { ShownUnits } from './shownUnits';
import type { Units } from './units';
import type { HeadChoice } from './viewState';

export type { Units } from './units';

/** How the store asks the host about result `runId` (src/protocol/webview.ts `WebviewHostApi`). */
export interface ResultQueries {
  overview(runId: number, kind: AttentionKind, layer: number): Promise<LayerOverview>;
  slice(runId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

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
  /** What slices hold: attention, or value-weighted row shares (webview/valueWeighted.ts). */
  weights: SliceWeights = 'attention';
  /** Every overview arrived. */
  finished = false;
  /** Why the result no longer matches the source, when an edit invalidated it. */
  staleReason: string | null = null;
  /** Why the host could not answer (the engine released the result, a slice failed). */
  queryError: string | null = null;
  private readonly slices: LayerSlices;
  private readonly pull: OverviewPull;
  private readonly matrices = new LruCache<string, SquareMatrix>(CACHE_LIMIT);
  private readonly rollout: RolloutChain;
  private readonly shownUnits = new ShownUnits(() => ({ meta: this.meta, kind: this.shownKind }));

  constructor(
    private readonly queries: ResultQueries,
    /** Something arrived (an overview, a slice, a failure): draw again. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.slices = new LayerSlices(
      (request) => this.queries.slice(this.runIdOrThrow(), request),
      changed,
    );
    this.rollout = new RolloutChain(
      (layer) => {
        const { runId } = this.meta as ResultMeta;
        const whole = this.wholeLayer(layer, 'attention'); // rollout chains attention weights
        return whole
          ? Promise.resolve(whole)
          : this.queries.slice(runId, { kind: this.kind, layer });
      },
      (error) => {
        if (error) this.queryError = error;
        this.changed();
      },
    );
    this.pull = new OverviewPull(
      (kind, layer) => this.queries.overview(this.runIdOrThrow(), kind, layer),
      (overview) => this.takeOverview(overview),
      (message) => {
        this.queryError = message;
        this.changed();
      },
    );
  }

  /** A new result begins: the previous one goes; overviews not sent with it are asked for; false if refused. */
  start(meta: ResultMeta): boolean {
    // A message may be anything: a result without its stacks or tokens is refused.
    if (typeof meta !== 'object' || !Array.isArray(meta?.stacks) || !Array.isArray(meta.tokens))
      return false;
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
    for (const o of sentOverviews(meta.overviews)) this.takeOverview(o);
    this.pull.start(meta.stacks, (kind, layer) => this.byKind[kind][layer] !== undefined);
    return true;
  }

  /** Takes an overview of the current result; a misshapen one is dropped. */
  private takeOverview(overview: LayerOverview): void {
    if (!fitsStack(overview, this.stackOf(overview?.kind))) return;
    this.byKind[overview.kind][overview.layer] = overview;
    this.finished = this.receivedLayers === this.expectedLayers;
    this.changed();
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
    this.rollout.reset();
    this.shownUnits.forget();
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
    if (!this.meta || layer < 0 || layer >= this.layerCount) return undefined;
    return this.slices.heads(this.shownKind, layer, heads, this, this.weights);
  }

  /** The whole layer (`[heads, n, cols]`) when it is already here, without asking. */
  private wholeLayer(layer: number, weights = this.weights): Float32Array | undefined {
    return this.slices.whole(this.shownKind, layer, weights);
  }

  /** Why the slice a view wants could not be had, or why rollout is refused; null if none. */
  notice(layer: number, head: HeadChoice): string | null {
    if (head === 'rollout' && this.shownKind !== 'cross') {
      const refused = RolloutChain.refusal(layer, { n: this.n, heads: this.heads });
      if (refused) return refused;
    }
    const one = typeof head === 'number' ? head : null;
    return this.slices.errorOf(this.shownKind, layer, one, this.weights) ?? this.queryError;
  }

  get runId(): number | null {
    return this.meta?.runId ?? null;
  }
  /** Rows of the shown attention (its query tokens). */
  get n(): number {
    return this.shownUnits.rowTokens().length;
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
  /** Per layer, the sliding window the shown attention applied (null: none). */
  get windows(): readonly (number | null)[] | undefined {
    return this.stackOf(this.shownKind)?.windows;
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
    return this.shownUnits.units(options);
  }

  /** The view's columns (key units): the rows' units but for cross-attention (source tokens). */
  keyUnits(options: UnitOptions): Units {
    return this.shownUnits.keyUnits(options);
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
      if (this.shownKind === 'cross') return undefined;
      return this.rollout.to(layer, { n: this.n, heads: this.heads });
    }
    const weights = this.layerHeads(layer, [...Array(heads).keys()]);
    if (!weights) return undefined;
    const key = `${layer}/${this.weights}`;
    if (head === 'mean')
      return this.cached(`mean/${key}`, () => meanOverHeads(weights, n, heads, cols));
    return this.cached(`max/${key}`, () => maxOverHeads(weights, n, heads, cols));
  }

  /** What a view shows for `layer`/`head` under `options` (rows = query units). */
  shown(layer: number, head: HeadChoice, options: UnitOptions): SquareMatrix | undefined {
    const tokens = this.tokenMatrix(layer, head);
    if (!tokens) return undefined;
    const units = this.units(options);
    if (this.shownKind !== 'encoder' || (!options.wordLevel && !options.hideSpecial)) return tokens;
    return this.cached(
      `shown/${layer}/${head}/${this.weights}/${options.wordLevel}/${options.hideSpecial}`,
      () => projectMatrix(tokens, units),
    );
  }

  /** Head summaries of every layer received so far, in layer/head order (the engine's). */
  summaries(): HeadSummary[] {
    return this.overviews.flatMap((overview) => overview?.summaries ?? []);
  }

  private cached(key: string, make: () => SquareMatrix): SquareMatrix {
    const kept = this.matrices.get(key);
    if (kept) return kept;
    const made = make();
    this.matrices.set(key, made);
    return made;
  }
}
