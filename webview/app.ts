/**
 * The webview application: keeps the result and the view choices, routes host messages,
 * draws the active view, and hands focus changes to the `FocusTracker` (highlights,
 * announcements and `focusToken` messages, so the editor mirrors exactly what the view shows).
 */
import {
  DEFAULT_VIEW_SETTINGS,
  type HostToWebview,
  type ViewKind,
  type ViewSettings,
} from '../src/protocol/webview';
import { modeLabels } from './choiceLabel';
import { FocusPanel } from './controls/focusPanel';
import { GenerationBar } from './controls/generationBar';
import { HeadTiles } from './headTiles';
import { UnitOverviews } from './unitOverviews';
import { valueWeightedOverview, WeightedOverviews } from './weightedOverviews';
import { Seq2seqBar } from './controls/seq2seqBar';
import { StatusLine } from './controls/statusLine';
import { LogitLensTable } from './controls/logitLensTable';
import { Toolbar } from './controls/toolbar';
import { WEIGHTED_VIEWS, WeightsSwitch } from './controls/weightsSwitch';
import { DrawnMark } from './drawnMark';
import {
  copyShownCsv,
  exportShownJson,
  saveShownImage,
  type ShownView,
} from './export/shownExports';
import { FocusTracker } from './focusTracker';
import { ScaleMemo } from './heatmap/colorScale';
import { NextTokenRows } from './nextTokenRows';
import { NormsProbe } from './normsProbe';
import { WritesPull } from './writesPull';
import { askHeadWrites } from './headWritesQuery';
import { ResultStore } from './resultStore';
import { RunStatus } from './runStatus';
import { type Palette, readPalette, watchTheme } from './theme';
import { makeViewContext } from './viewContext';
import type { HeadChoice, ViewState } from './viewState';
import type { View, ViewContext, ViewHost } from './views/view';
import { ViewSet } from './views/viewSet';
import { callHost, loadState, overviewFromHost, postToHost, saveState } from './vscodeApi';

export class App implements ViewHost {
  private state: ViewState = loadState();
  private settings: ViewSettings = DEFAULT_VIEW_SETTINGS;
  private readonly store = new ResultStore(
    {
      overview: (runId, kind, layer) => overviewFromHost({ runId, kind, layer }),
      slice: (runId, request) => callHost('slice', { runId, ...request }),
    },
    () => {
      this.drawnMark.layer();
      this.scheduleRender();
    },
  );
  /** The matrix view's tiles of a long head (issue 22), asked for like the store's slices. */
  private readonly tiles = new HeadTiles(
    (runId, request) => callHost('slice', { runId, ...request }),
    () => this.scheduleRender(),
  );
  /** The model view's thumbnails of a long result under word level or hidden specials. */
  private readonly unitOverviews = new UnitOverviews(
    (runId, kind, layer, units) => overviewFromHost({ runId, kind, layer, units }),
    () => this.scheduleRender(),
  );
  /** The model view's value-weighted thumbnails (issue 24), computed in the engine. */
  private readonly weightedOverviews = new WeightedOverviews(valueWeightedOverview, () =>
    this.scheduleRender(),
  );
  private readonly drawnMark = new DrawnMark();
  /** Issue 24: whether the result has value norms, the switch, the lens table. */
  private readonly norms = new NormsProbe(askHeadWrites, () => this.scheduleRender());
  private readonly writes = new WritesPull(askHeadWrites, () => this.scheduleRender());
  private readonly weightsSwitch = new WeightsSwitch((weights) => this.patchState({ weights }));
  private palette: Palette = readPalette();
  private readonly views = new ViewSet(this);
  private readonly viewSlot = document.createElement('main');
  private readonly toolbar: Toolbar;
  private readonly status: StatusLine;
  private readonly focusTracker: FocusTracker;
  private readonly runs = new RunStatus();
  private readonly seq2seq = new Seq2seqBar(this, () => this.store.runId);
  /** Next-token predictions per row (issue 22): the focus panel's and the steps' candidates. */
  private readonly next = new NextTokenRows(
    (runId, rows, k) => callHost('predictions', { runId, rows, k }),
    () => this.scheduleRender(),
  );
  private readonly generation = new GenerationBar(this, this.next);
  private ctx: ViewContext | undefined;
  private frame = 0;
  /** The colour scale of the last matrix, kept so views can tell when to recolour. */
  private readonly scales = new ScaleMemo();

  constructor(root: HTMLElement) {
    this.toolbar = new Toolbar({
      patch: (patch) => this.patchState(patch),
      copyCsv: () => copyShownCsv(this.shown(), (why) => this.refused(why)),
      saveImage: (format) => saveShownImage(this.shown(), format, (why) => this.refused(why)),
      exportJson: (scope) => exportShownJson(this.shown(), scope),
    });
    this.status = new StatusLine(
      () => this.store.runId !== null && postToHost({ type: 'rerun', runId: this.store.runId }),
    );
    const panel = new FocusPanel((unit) => this.reveal(unit));
    const lens = new LogitLensTable(
      (runId, position, k) => callHost('logitLens', { runId, position, k }),
      () => this.scheduleRender(),
    );
    this.focusTracker = new FocusTracker(panel, this.next, lens);
    this.viewSlot.id = 'view';
    this.viewSlot.setAttribute('role', 'tabpanel');
    const body = document.createElement('div');
    body.className = 'body';
    body.append(this.viewSlot, panel.element);
    const bars = [this.status.element, this.seq2seq.element, this.generation.element];
    bars.push(this.toolbar.element);
    this.toolbar.element.insertBefore(this.weightsSwitch.element, this.toolbar.element.lastChild);
    root.replaceChildren(...bars, body, panel.liveRegion);
    watchTheme(() => {
      this.palette = readPalette();
      this.render();
    });
    this.render();
  }

  /** Handles one notification from the host. */
  handle(message: HostToWebview): void {
    const store = this.store;
    switch (message.type) {
      case 'didChangeSettings':
        this.settings = message.settings;
        break;
      case 'didStartRun':
        this.runs.started(message.runId, message.label);
        break;
      case 'didStartResult':
        if (!store.start(message.meta)) return;
        this.tiles.clear();
        this.drawnMark.started(message.meta);
        this.runs.resultArrived();
        this.focusTracker.clear();
        break;
      case 'didFail':
        if (!this.runs.failed(message.runId, store.runId, message.message)) return;
        break;
      case 'didInvalidate':
        if (message.runId !== store.runId) return;
        store.staleReason = message.reason;
        this.focusTracker.clear();
        break;
      case 'didShowHead':
        if (message.runId !== store.runId) return;
        this.showHead(message.layer, message.head);
        return;
      case 'didFocusToken': {
        if (message.runId !== store.runId || store.staleReason !== null) return;
        if (store.kind === 'cross') return void this.seq2seq.showSource(message.index, this.ctx);
        const unit =
          message.index === null ? -1 : (this.ctx?.units.unitOfToken[message.index] ?? -1);
        this.focus(unit < 0 ? null : unit, true);
        return;
      }
    }
    this.render();
  }

  focus(unit: number | null, pin: boolean): void {
    if (this.focusTracker.set(unit, pin)) this.updateFocus();
  }

  /** Focuses (pins) the unit holding row `index` in every view (the generation steps). */
  focusToken(index: number): void {
    const unit = this.ctx?.units.unitOfToken[index] ?? -1;
    if (unit >= 0) this.focus(unit, true);
  }

  showDecoderRows(): void {
    if (this.store.kind === 'encoder') this.patchState({ attention: 'cross' });
  }

  open(layer: number, head: HeadChoice): void {
    this.patchState({ view: 'matrix', layer, head });
    this.views.peek('matrix')?.focusInside();
  }

  reveal(unit: number): void {
    // Key units are the source tokens (the decoder's tokens have no range in the editor).
    const token = this.store.kind === 'decoder' ? undefined : this.ctx?.keyUnits.units[unit]?.[0];
    if (token !== undefined && this.store.runId !== null) {
      postToHost({ type: 'revealToken', runId: this.store.runId, index: token });
    }
  }

  /** The matrix view on one head; numbers the result does not have are ignored. */
  private showHead(layer: number, head: number): void {
    const { layerCount, heads } = this.store;
    const valid = (n: number, count: number) => Number.isInteger(n) && n >= 0 && n < count;
    if (!valid(layer, layerCount) || !valid(head, heads)) return;
    this.patchState({ view: 'matrix', layer, head });
  }

  patchState(patch: Partial<ViewState>): void {
    const viewChanged = patch.view !== undefined && patch.view !== this.currentView();
    this.state = { ...this.state, ...patch };
    saveState(this.state);
    this.render();
    if (viewChanged) this.activeView().focusInside();
  }

  private currentView(): ViewKind {
    return this.state.view ?? this.settings.defaultView;
  }

  private activeView(): View {
    return this.views.get(this.currentView());
  }

  private scheduleRender(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const { store, settings, palette, scales } = this;
    this.seq2seq.show(store, this.state.attention);
    this.generation.show(store);
    const kind = this.currentView();
    const stack = store.meta?.stacks.find((s) => s.kind === store.kind);
    const refusal = this.norms.refusal(store.runId, store.kind, stack);
    const weighted = refusal === null && WEIGHTED_VIEWS.includes(kind);
    store.weights = weighted ? this.state.weights : 'attention';
    const ctx = makeViewContext({
      store,
      state: this.state,
      settings,
      palette,
      scales,
      view: kind,
      tiles: this.tiles,
      unitOverviews: this.unitOverviews,
      weightedOverviews: this.weightedOverviews,
      writes: stack?.valueNorms === true ? this.writes : undefined,
    });
    this.ctx = ctx;
    this.state = ctx.state;
    this.seq2seq.redrawSource(ctx);
    const view = this.activeView();
    if (this.viewSlot.firstElementChild !== view.element)
      this.viewSlot.replaceChildren(view.element);
    this.viewSlot.setAttribute('aria-labelledby', `tab-${kind}`);
    document.body.classList.toggle('result-stale', store.staleReason !== null);
    const colorMap = this.state.colorMap ?? settings.colorMap;
    const { layerCount, heads } = store;
    const topK = ctx.settings.topK;
    // A long head drawn from tiles has no whole image to save (issue 22).
    const canImage = kind !== 'summary' && !ctx.tiles;
    this.toolbar.update(this.state, kind, layerCount, heads, colorMap, topK, canImage);
    this.weightsSwitch.update(this.state.weights, refusal, kind);
    const notice = store.meta ? store.notice(ctx.state.layer, ctx.state.head) : null;
    const error = this.runs.error ?? notice;
    this.status.update(
      store,
      this.runs.running,
      error,
      modeLabels({ ...this.state, weights: store.weights }),
    );
    if (store.meta) view.render(ctx);
    this.drawnMark.rendered(store.runId, store.receivedLayers, store.expectedLayers);
    this.updateFocus();
  }

  private updateFocus(): void {
    const scene = { view: this.activeView(), kind: this.currentView(), ctx: this.ctx };
    this.focusTracker.update({ ...scene, store: this.store });
  }

  /** The view on show, for the toolbar's exports. */
  private shown(): ShownView {
    const { ctx, state } = this;
    return {
      view: this.activeView(),
      kind: this.currentView(),
      ctx,
      state,
      runId: this.store.runId,
    };
  }

  /** An export the view cannot give: the status line says why. */
  private refused(why: string): void {
    this.runs.showError(why);
    this.render();
  }
}
