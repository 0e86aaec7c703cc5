/**
 * The result the webview shows: metadata from `didStartResult`, the layer tensors as they
 * arrive, and the matrices derived from them (cached, since hover must not recompute).
 */
import { attentionRollout } from '../src/shared/attentionRollout';
import {
  displayUnits,
  projectMatrix,
  type DisplayUnits,
  type UnitOptions,
} from '../src/shared/displayUnits';
import { maxOverHeads, meanOverHeads } from '../src/shared/headAggregates';
import { summariseLayer, type HeadSummary } from '../src/shared/headSummaries';
import { inductionTargets } from '../src/shared/inductionTargets';
import { headMatrix, type SquareMatrix } from '../src/shared/squareMatrix';
import { unitLabel } from '../src/shared/unitLabels';
import type { ResultMeta } from '../src/protocol/webview';
import type { HeadChoice } from './viewState';

/** Rows and columns of the views under the current toggles, with their labels. */
export interface Units extends DisplayUnits {
  labels: string[];
}

const CACHE_LIMIT = 8;

/** Holds one run's result and derives what the views draw. */
export class ResultStore {
  meta: ResultMeta | null = null;
  layers: (Float32Array | undefined)[] = [];
  finished = false;
  /** Why the result no longer matches the source, when an edit invalidated it. */
  staleReason: string | null = null;
  private readonly matrices = new Map<string, SquareMatrix>();
  private rollout: SquareMatrix[] = [];
  private unitsCache: { key: string; units: Units } | null = null;
  private readonly summaryCache = new Map<number, HeadSummary[]>();
  private inductionCache: number[][] | null = null;

  /** A new result begins: everything derived from the previous one goes. */
  start(meta: ResultMeta): void {
    this.meta = meta;
    this.layers = new Array(meta.model.layers).fill(undefined);
    this.finished = false;
    this.staleReason = null;
    this.matrices.clear();
    this.rollout = [];
    this.unitsCache = null;
    this.summaryCache.clear();
    this.inductionCache = null;
  }

  /** Stores a layer of the current run; returns false for another run's layer. */
  addLayer(runId: number, layer: number, weights: Float32Array): boolean {
    if (!this.meta || runId !== this.meta.runId || layer < 0 || layer >= this.layers.length) {
      return false;
    }
    this.layers[layer] = weights;
    return true;
  }

  get runId(): number | null {
    return this.meta?.runId ?? null;
  }
  get n(): number {
    return this.meta?.tokens.length ?? 0;
  }
  get heads(): number {
    return this.meta?.model.heads ?? 0;
  }
  get layerCount(): number {
    return this.layers.length;
  }
  get causal(): boolean {
    return this.meta?.model.architecture === 'decoder';
  }
  get receivedLayers(): number {
    return this.layers.filter(Boolean).length;
  }

  /** The view's rows/columns for `options`. */
  units(options: UnitOptions): Units {
    const key = `${options.wordLevel}/${options.hideSpecial}`;
    if (this.unitsCache?.key !== key) {
      const meta = this.meta;
      const display = meta
        ? displayUnits(meta.tokens, meta.text, options)
        : displayUnits([], '', options);
      const labels = meta ? display.units.map((u) => unitLabel(u, meta.tokens, meta.text)) : [];
      this.unitsCache = { key, units: { ...display, labels } };
    }
    return this.unitsCache.units;
  }

  /** The token-level matrix of `head` in `layer`, or undefined until its layers arrived. */
  tokenMatrix(layer: number, head: HeadChoice): SquareMatrix | undefined {
    const weights = this.layers[layer];
    if (!weights) return undefined;
    const { n, heads } = this;
    if (typeof head === 'number') return headMatrix(weights, n, head);
    if (head === 'mean')
      return this.cached(`mean/${layer}`, () => meanOverHeads(weights, n, heads));
    if (head === 'max') return this.cached(`max/${layer}`, () => maxOverHeads(weights, n, heads));
    return this.rolloutTo(layer);
  }

  /** What a view shows for `layer`/`head` under `options` (rows = query units). */
  shown(layer: number, head: HeadChoice, options: UnitOptions): SquareMatrix | undefined {
    const tokens = this.tokenMatrix(layer, head);
    if (!tokens) return undefined;
    const units = this.units(options);
    if (!options.wordLevel && !options.hideSpecial) return tokens;
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
        layerSummaries = summariseLayer(
          weights,
          layer,
          this.n,
          this.heads,
          this.causal,
          this.induction(),
        );
        this.summaryCache.set(layer, layerSummaries);
      }
      out.push(...layerSummaries);
    });
    return out;
  }

  /** Per query token, where an induction head would look (special tokens take no part). */
  private induction(): number[][] {
    const tokens = this.meta?.tokens ?? [];
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
