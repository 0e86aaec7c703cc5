/**
 * The model view's thumbnails of value-weighted attention (issue 24): with the Weights
 * switch on value-weighted, the view asks the engine for each layer's value-weighted
 * overview (`overview` with `weights`: block means of each row's value-weighted share,
 * computed in the engine, never a whole layer here), first layers first, once per result,
 * attention kind and grouping. A long result under word level or hidden specials is asked
 * for as the view groups its tokens, like webview/unitOverviews.ts; otherwise per token,
 * and the view projects exact thumbnails itself.
 */
import type { UnitOptions } from '../src/shared/displayUnits';
import type { AttentionKind, LayerOverview, ThumbnailUnits } from '../src/engine/types';
import { THUMBNAIL_SIDE } from '../src/engine/types';
import { fitsStack, OverviewPull } from './overviewPull';
import type { ResultStore } from './resultStore';
import { overviewFromHost } from './vscodeApi';

/** How the overviews are asked for (the host relays to the engine); `units` when grouped. */
export type WeightedOverviewFetch = (
  runId: number,
  kind: AttentionKind,
  layer: number,
  units: ThumbnailUnits | undefined,
) => Promise<LayerOverview>;

/** Asks the host for a value-weighted overview (grouped with `units`). */
export const valueWeightedOverview: WeightedOverviewFetch = (runId, kind, layer, units) =>
  overviewFromHost({
    runId,
    kind,
    layer,
    ...(units ? { units } : {}),
    weights: 'value-weighted',
  });

/** What the model view draws from when value-weighted. */
export interface ModelOverviews {
  /** A slot per layer, undefined until it arrives. */
  overviews: (LayerOverview | undefined)[];
  /** Thumbnails already grouped as the view groups tokens (not to be projected again). */
  grouped: boolean;
  /** Why the engine refused them, if it did. */
  error?: string;
}

export class WeightedOverviews {
  private key = '';
  private overviews: (LayerOverview | undefined)[] = [];
  private units: ThumbnailUnits | undefined;
  private runId = -1;
  private kind: AttentionKind = 'encoder';
  private error: string | undefined;
  private readonly pull: OverviewPull;

  constructor(fetch: WeightedOverviewFetch, changed: () => void) {
    this.pull = new OverviewPull(
      (kind, layer) => fetch(this.runId, kind, layer, this.units),
      (overview) => {
        if (overview?.kind !== this.kind || overview.weights !== 'value-weighted') return;
        this.overviews[overview.layer] = overview;
        changed();
      },
      (message) => {
        this.error = message;
        changed();
      },
    );
  }

  /** The value-weighted overviews of what `store` shows under `options`. */
  of(store: ResultStore, options: UnitOptions): ModelOverviews | undefined {
    const kind = store.kind;
    const stack = store.meta?.stacks.find((s) => s.kind === kind);
    if (!stack || store.runId === null) return undefined;
    const grouped =
      kind === 'encoder' &&
      (options.wordLevel || options.hideSpecial) &&
      stack.rows > THUMBNAIL_SIDE;
    const key = `${store.runId}/${kind}/${grouped && `${options.wordLevel}/${options.hideSpecial}`}`;
    if (key !== this.key) {
      this.key = key;
      this.runId = store.runId;
      this.kind = kind;
      this.error = undefined;
      const { unitOfToken, renormalise } = store.units(options);
      this.units = grouped ? { unitOfToken: Array.from(unitOfToken), renormalise } : undefined;
      this.overviews = new Array(stack.layers).fill(undefined);
      this.pull.start([stack]);
    }
    const overviews = this.overviews.map((o) => (o && fitsStack(o, stack) ? o : undefined));
    return { overviews, grouped, ...(this.error ? { error: this.error } : {}) };
  }
}

/** The overviews the model view draws: value-weighted, grouped by the engine, or the store's. */
export function modelOverviews(ctx: {
  store: ResultStore;
  unitOverviews?: (LayerOverview | undefined)[];
  weightedOverviews?: ModelOverviews;
}): ModelOverviews {
  if (ctx.weightedOverviews) return ctx.weightedOverviews;
  if (ctx.unitOverviews) return { overviews: ctx.unitOverviews, grouped: true };
  return { overviews: ctx.store.overviews, grouped: false };
}

/** The model view's legend line: which weights its thumbnails show. */
export function modelWeightsLegend(source: ModelOverviews, valueWeighted: boolean): string {
  if (!valueWeighted) return 'Showing attention weights α.';
  const legend =
    'Showing value-weighted attention: each row’s share of ‖α·f(x)‖, what each key token ' +
    'actually moves (Kobayashi et al. 2020).';
  return source.error ? `${legend} ${source.error}` : legend;
}
