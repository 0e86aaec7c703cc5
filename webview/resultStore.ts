/**
 * The result the webview shows: metadata from `didStartResult`, the layer tensors as they
 * arrive, and the matrices derived from them (cached, since hover must not recompute).
 *
 * An encoder-decoder result holds three attentions; `kind` picks the one the views see
 * through `layers`, `n` (rows), `cols`, `heads`, `units` and `keyUnits`: the encoder's
 * (source × source), the decoder's (target × target, causal) or cross-attention (target
 * rows × source columns). Word level and hidden specials apply to the encoder's only.
 */
import { attentionRollout } from '../src/shared/attentionRollout';
import {
  displayUnits,
  projectMatrix,
  type DisplayUnits,
  type UnitOptions,
} from '../src/shared/displayUnits';
import { maxOverHeads, meanOverHeads } from '../src/shared/headAggregates';
import { summariseCrossLayer, summariseLayer, type HeadSummary } from '../src/shared/headSummaries';
import { inductionTargets } from '../src/shared/inductionTargets';
import { headMatrix, type SquareMatrix } from '../src/shared/squareMatrix';
import { unitLabel } from '../src/shared/unitLabels';
import { unpackWeights } from '../src/shared/weightWire';
import type { AttentionKind, ResultMeta } from '../src/protocol/webview';
import { targetTokens } from './targetTokens';
import type { HeadChoice } from './viewState';

/** Rows and columns of the views under the current toggles, with their labels. */
export interface Units extends DisplayUnits {
  labels: string[];
}

const CACHE_LIMIT = 8;

/** Holds one run's result and derives what the views draw. */
export class ResultStore {
  meta: ResultMeta | null = null;
  /** Tensors per attention kind, a slot per layer until it arrives. */
  private readonly byKind: Record<AttentionKind, (Float32Array | undefined)[]> = {
    encoder: [],
    decoder: [],
    cross: [],
  };
  private shownKind: AttentionKind = 'encoder';
  finished = false;
  /** Why the result no longer matches the source, when an edit invalidated it. */
  staleReason: string | null = null;
  private readonly matrices = new Map<string, SquareMatrix>();
  private rollout: SquareMatrix[] = [];
  private unitsCache: { key: string; units: Units } | null = null;
  private keyUnitsCache: Units | null = null;
  private readonly summaryCache = new Map<number, HeadSummary[]>();
  private inductionCache: number[][] | null = null;

  /** A new result begins: everything derived from the previous one goes. */
  start(meta: ResultMeta): void {
    this.meta = meta;
    const decoderLayers = meta.seq2seq?.decoderLayers ?? 0;
    this.byKind.encoder = new Array(meta.model.layers).fill(undefined);
    this.byKind.decoder = new Array(decoderLayers).fill(undefined);
    this.byKind.cross = new Array(decoderLayers).fill(undefined);
    this.shownKind = 'encoder';
    this.finished = false;
    this.staleReason = null;
    this.forgetDerived();
  }

  /** Stores a packed layer of the current run; returns false for another run's or a misshapen layer. */
  addLayer(
    runId: number,
    layer: number,
    packed: Uint16Array,
    kind: AttentionKind = 'encoder',
  ): boolean {
    const slots = this.byKind[kind];
    if (!this.meta || runId !== this.meta.runId || layer < 0 || layer >= slots.length) {
      return false;
    }
    if (!(packed instanceof Uint16Array) || packed.length !== this.layerSize(kind)) return false;
    slots[layer] = unpackWeights(packed);
    return true;
  }

  /** Weights in one layer of attention `kind`: heads × query tokens × key tokens. */
  private layerSize(kind: AttentionKind): number {
    const meta = this.meta;
    if (!meta) return 0;
    const sources = meta.tokens.length;
    if (kind === 'encoder') return meta.model.heads * sources * sources;
    const heads = meta.seq2seq?.decoderHeads ?? 0;
    const targets = meta.seq2seq?.decoderTokens.length ?? 0;
    return heads * targets * (kind === 'cross' ? sources : targets);
  }

  /** Drops every matrix, unit list and summary derived from the tensors on show. */
  private forgetDerived(): void {
    this.matrices.clear();
    this.rollout = [];
    this.unitsCache = null;
    this.keyUnitsCache = null;
    this.summaryCache.clear();
    this.inductionCache = null;
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

  /** The shown kind's layer tensors (`[heads, n, cols]` each), undefined until they arrive. */
  get layers(): (Float32Array | undefined)[] {
    return this.byKind[this.shownKind];
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
    return this.layers.length;
  }
  get causal(): boolean {
    if (this.shownKind !== 'encoder') return this.shownKind === 'decoder';
    return this.meta?.model.architecture === 'decoder';
  }
  /** Layers received of every kind (a result's progress). */
  get receivedLayers(): number {
    const { encoder, decoder, cross } = this.byKind;
    return [...encoder, ...decoder, ...cross].filter(Boolean).length;
  }
  /** Layers expected of every kind. */
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

  /** The token-level matrix of `head` in `layer`, or undefined until its layers arrived. */
  tokenMatrix(layer: number, head: HeadChoice): SquareMatrix | undefined {
    const weights = this.layers[layer];
    if (!weights) return undefined;
    const { n, heads, cols } = this;
    if (typeof head === 'number') return headMatrix(weights, n, head, cols);
    if (head === 'mean')
      return this.cached(`mean/${layer}`, () => meanOverHeads(weights, n, heads, cols));
    if (head === 'max')
      return this.cached(`max/${layer}`, () => maxOverHeads(weights, n, heads, cols));
    // Rollout chains a stack's self-attention; cross-attention has no such chain.
    return this.shownKind === 'cross' ? undefined : this.rolloutTo(layer);
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

  /** Head summaries of every layer received so far, in layer/head order. */
  summaries(): HeadSummary[] {
    const out: HeadSummary[] = [];
    this.layers.forEach((weights, layer) => {
      if (!weights) return;
      let layerSummaries = this.summaryCache.get(layer);
      if (!layerSummaries) {
        layerSummaries =
          this.shownKind === 'cross'
            ? summariseCrossLayer(weights, layer, this.n, this.cols, this.heads)
            : summariseLayer(weights, layer, this.n, this.heads, this.causal, this.induction());
        this.summaryCache.set(layer, layerSummaries);
      }
      out.push(...layerSummaries);
    });
    return out;
  }

  /** Per query token, where an induction head would look (special tokens take no part). */
  private induction(): number[][] {
    const tokens = this.rowTokens();
    this.inductionCache ??= inductionTargets(
      tokens.map((t) => t.id),
      (i) => tokens[i].start === tokens[i].end,
    );
    return this.inductionCache;
  }

  /** Rollout needs every layer up to `layer`; it is extended one layer at a time. */
  private rolloutTo(layer: number): SquareMatrix | undefined {
    if (this.rollout.length <= layer) {
      const missing = this.layers.slice(this.rollout.length, layer + 1);
      if (missing.some((w) => !w)) return undefined;
      const before = this.rollout[this.rollout.length - 1];
      this.rollout.push(...attentionRollout(missing as Float32Array[], this.n, this.heads, before));
    }
    return this.rollout[layer];
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
