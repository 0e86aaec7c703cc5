/**
 * Model-view thumbnails of a long result under word level or hidden specials (issue 22).
 * Up to `THUMBNAIL_SIDE` tokens an overview is the exact matrix, which the view projects
 * itself; above, it is block means of tokens, which cannot be regrouped. So the view asks the
 * engine for thumbnails of the layers as it groups the tokens (`overview` with `units`:
 * 128 × 128 per head, not the layer), first layers first, once per result and grouping.
 */
import type { UnitOptions } from '../src/shared/displayUnits';
import type { AttentionKind, LayerOverview, ThumbnailUnits } from '../src/engine/types';
import { THUMBNAIL_SIDE } from '../src/engine/types';
import { fitsStack, OverviewPull } from './overviewPull';
import type { ResultStore } from './resultStore';

/** How the overviews are asked for (the host relays to the engine). */
export type UnitOverviewFetch = (
  runId: number,
  kind: AttentionKind,
  layer: number,
  units: ThumbnailUnits,
) => Promise<LayerOverview>;

export class UnitOverviews {
  private key = '';
  private overviews: (LayerOverview | undefined)[] = [];
  private units: ThumbnailUnits | undefined;
  private runId = -1;
  private readonly pull: OverviewPull;

  constructor(fetch: UnitOverviewFetch, changed: () => void) {
    this.pull = new OverviewPull(
      (kind, layer) => fetch(this.runId, kind, layer, this.units as ThumbnailUnits),
      (overview) => {
        if (overview?.kind !== 'encoder') return;
        this.overviews[overview.layer] = overview;
        changed();
      },
      // A refusal leaves the thumbnails pending; the token-level overviews stay drawable.
      () => changed(),
    );
  }

  /**
   * The overviews the model view draws for `options`: undefined when the store's own apply
   * (token level, a short result, or a decoder side, which is never grouped); a slot per
   * layer, undefined until it arrives, otherwise.
   */
  of(store: ResultStore, options: UnitOptions): (LayerOverview | undefined)[] | undefined {
    const stack = store.meta?.stacks.find((s) => s.kind === 'encoder');
    const grouped = options.wordLevel || options.hideSpecial;
    if (!stack || store.runId === null || !grouped || store.kind !== 'encoder') return undefined;
    if (stack.rows <= THUMBNAIL_SIDE) return undefined;
    const key = `${store.runId}/${options.wordLevel}/${options.hideSpecial}`;
    if (key !== this.key) {
      const { unitOfToken, renormalise } = store.units(options);
      this.key = key;
      this.runId = store.runId;
      this.units = { unitOfToken: Array.from(unitOfToken), renormalise };
      this.overviews = new Array(stack.layers).fill(undefined);
      this.pull.start([stack]);
    }
    return this.overviews.map((o) => (o && fitsStack(o, stack) ? o : undefined));
  }
}
