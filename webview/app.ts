/**
 * The webview application: keeps the result and the view choices, routes host messages,
 * draws the active view, and turns focus changes into highlights, announcements and
 * `focusToken` messages (so the editor mirrors exactly what the view shows).
 */
import { matrixRow, type SquareMatrix } from '../src/shared/squareMatrix';
import { topK } from '../src/shared/topK';
import type { HostToWebview, ViewKind, ViewSettings } from '../src/protocol/webview';
import { FocusPanel } from './controls/focusPanel';
import { StatusLine } from './controls/statusLine';
import { Toolbar } from './controls/toolbar';
import { csvMessage, jsonMessage, postImage } from './export/exportMessages';
import { DrawnMark } from './drawnMark';
import { colorMapLut } from './heatmap/colorMaps';
import { ScaleMemo } from './heatmap/colorScale';
import { ResultStore } from './resultStore';
import { readPalette, watchTheme, type Palette } from './theme';
import type { SummaryView } from './views/summaryView';
import { VIEW_MAKERS } from './views/viewMakers';
import type { Focus, View, ViewContext, ViewHost } from './views/view';
import { choiceLabel, modeLabels } from './choiceLabel';
import { focusMessage, focusSource } from './focusMessage';
import { loadState, postToHost, saveState } from './vscodeApi';
import type { HeadChoice, ViewState } from './viewState';

const DEFAULT_SETTINGS: ViewSettings = { colorMap: 'viridis', topK: 5, defaultView: 'model' };

export class App implements ViewHost {
  private state: ViewState = loadState();
  private settings = DEFAULT_SETTINGS;
  private readonly store = new ResultStore();
  private readonly drawnMark = new DrawnMark();
  private palette: Palette = readPalette();
  private readonly views = new Map<ViewKind, View>();
  private readonly viewSlot = document.createElement('main');
  private readonly toolbar: Toolbar;
  private readonly status: StatusLine;
  private readonly panel: FocusPanel;
  private focusState: Focus = { unit: null, pinned: false, top: [], row: null };
  private lastPosted = '';
  /** Label and id of a run the host started that has not produced a result yet. */
  private running: string | null = null;
  private runningId: number | null = null;
  private error: string | null = null;
  private ctx: ViewContext | undefined;
  private frame = 0;
  /** The colour scale of the last matrix, kept so views can tell when to recolour. */
  private readonly scales = new ScaleMemo();

  constructor(root: HTMLElement) {
    this.toolbar = new Toolbar({
      patch: (patch) => this.patchState(patch),
      copyCsv: () => this.copyCsv(),
      saveImage: (format) => this.saveImage(format),
      exportJson: (scope) => this.exportJson(scope),
    });
    this.status = new StatusLine(
      () => this.store.runId !== null && postToHost({ type: 'rerun', runId: this.store.runId }),
    );
    this.panel = new FocusPanel((unit) => this.reveal(unit));
    this.viewSlot.id = 'view';
    this.viewSlot.setAttribute('role', 'tabpanel');
    const body = document.createElement('div');
    body.className = 'body';
    body.append(this.viewSlot, this.panel.element);
    root.replaceChildren(this.status.element, this.toolbar.element, body, this.panel.liveRegion);
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
        this.running = message.label;
        this.runningId = message.runId;
        this.error = null;
        break;
      case 'didStartResult':
        store.start(message.meta);
        this.drawnMark.started(message.meta);
        this.running = null;
        this.error = null;
        this.focusState = { unit: null, pinned: false, top: [], row: null };
        break;
      case 'didProduceLayer':
        if (!store.addLayer(message.runId, message.layer, message.weights)) return;
        this.drawnMark.layer();
        this.scheduleRender();
        return;
      case 'didFinishResult':
        if (message.runId !== store.runId) return;
        store.finished = true;
        break;
      case 'didFail':
        if (
          message.runId !== undefined &&
          message.runId !== store.runId &&
          message.runId !== this.runningId
        ) {
          return;
        }
        this.running = null;
        this.error = message.message;
        break;
      case 'didInvalidate':
        if (message.runId !== store.runId) return;
        store.staleReason = message.reason;
        this.focusState = { unit: null, pinned: false, top: [], row: null };
        break;
      case 'didFocusToken': {
        if (message.runId !== store.runId || store.staleReason !== null) return;
        const unit =
          message.index === null ? -1 : (this.ctx?.units.unitOfToken[message.index] ?? -1);
        this.focus(unit < 0 ? null : unit, true);
        return;
      }
    }
    this.render();
  }

  focus(unit: number | null, pin: boolean): void {
    if (!pin && this.focusState.pinned && unit !== null) return;
    this.focusState = { unit, pinned: pin && unit !== null, top: [], row: null };
    this.updateFocus();
  }

  open(layer: number, head: HeadChoice): void {
    this.patchState({ view: 'matrix', layer, head });
    this.views.get('matrix')?.focusInside();
  }

  reveal(unit: number): void {
    const token = this.ctx?.units.units[unit]?.[0];
    if (token !== undefined && this.store.runId !== null) {
      postToHost({ type: 'revealToken', runId: this.store.runId, index: token });
    }
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
    const kind = this.currentView();
    let view = this.views.get(kind);
    if (!view) {
      view = new VIEW_MAKERS[kind](this);
      this.views.set(kind, view);
    }
    return view;
  }

  private scheduleRender(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    const { store, state } = this;
    const layers = store.layerCount;
    const layer = Math.min(state.layer, Math.max(0, layers - 1));
    const head = typeof state.head === 'number' && state.head >= store.heads ? 0 : state.head;
    if (store.meta && (layer !== state.layer || head !== state.head)) {
      this.state = { ...state, layer, head };
    }
    const options = { wordLevel: state.wordLevel, hideSpecial: state.hideSpecial };
    const matrix = store.meta ? store.shown(layer, head, options) : undefined;
    const colorMap = state.colorMap ?? this.settings.colorMap;
    this.ctx = {
      store,
      state: this.state,
      settings: { ...this.settings, topK: state.topK ?? this.settings.topK },
      palette: this.palette,
      lut: colorMapLut(colorMap),
      units: store.units(options),
      matrix,
      scale: this.scales.of(matrix, state.scale),
      choiceLabel: choiceLabel(layer, head, store.heads),
      causal: store.causal,
    };
    const kind = this.currentView();
    const view = this.activeView();
    if (this.viewSlot.firstElementChild !== view.element)
      this.viewSlot.replaceChildren(view.element);
    this.viewSlot.setAttribute('aria-labelledby', `tab-${kind}`);
    document.body.classList.toggle('result-stale', store.staleReason !== null);
    this.toolbar.update(
      this.state,
      kind,
      layers,
      store.heads,
      colorMap,
      this.ctx.settings.topK,
      kind !== 'summary',
    );
    this.status.update(store, this.running, this.error, modeLabels(state));
    if (store.meta) view.render(this.ctx);
    this.drawnMark.rendered(store.runId, store.receivedLayers, layers);
    this.updateFocus();
  }

  /** Recomputes the focused row and tells the view, the panel, the reader and the host. */
  private updateFocus(): void {
    const ctx = this.ctx;
    const view = this.activeView();
    const matrix = this.focusMatrix();
    const unit = this.focusState.unit;
    const k = ctx?.settings.topK ?? 5;
    if (unit !== null && matrix && unit < matrix.n) {
      const row = matrixRow(matrix, unit);
      this.focusState = { ...this.focusState, row, top: topK(row, k) };
    } else {
      this.focusState = { ...this.focusState, unit: matrix ? null : unit, row: null, top: [] };
    }
    view.showFocus(this.focusState);
    if (!ctx) return;
    const meta = this.store.meta;
    const lastToken = unit !== null ? ctx.units.units[unit]?.at(-1) : undefined;
    this.panel.show(this.focusState, {
      labels: ctx.units.labels,
      source: this.focusLabel(),
      predictions: lastToken !== undefined ? meta?.predictions?.[lastToken] : undefined,
      stale: this.store.staleReason !== null,
    });
    this.postFocus(matrix);
  }

  private focusMatrix(): SquareMatrix | undefined {
    const view = this.activeView();
    return view.focusMatrix ? view.focusMatrix() : this.ctx?.matrix;
  }

  private focusLabel(): string {
    const ctx = this.ctx!;
    if (this.currentView() !== 'head') return ctx.choiceLabel;
    const heads = ctx.state.heads.length ? ctx.state.heads : null;
    if (heads?.length === 1) return `layer ${ctx.state.layer} · head ${heads[0]}`;
    return `layer ${ctx.state.layer} · mean of ${heads ? `heads ${heads.join(', ')}` : 'all heads'}`;
  }

  /** Posts `focusToken` with the top-k weights as shown, spread back onto tokens. */
  private postFocus(matrix: SquareMatrix | undefined): void {
    const { store, ctx } = this;
    if (!ctx || store.runId === null || store.staleReason !== null) return;
    const { unit, top } = this.focusState;
    const label = this.focusLabel();
    const key = [store.runId, unit, top.join(','), label, !!matrix, ctx.units.units.length].join(
      '/',
    );
    if (key === this.lastPosted) return;
    this.lastPosted = key;
    const source = focusSource(ctx.state, this.currentView());
    postToHost(focusMessage(store.runId, this.focusState, ctx.units, store.n, label, source));
  }

  private copyCsv(): void {
    const ctx = this.ctx;
    const matrix = this.focusMatrix();
    if (this.currentView() === 'summary') {
      const text = (this.activeView() as SummaryView).csv();
      postToHost({ type: 'copyText', text, what: 'head summaries as CSV' });
    } else if (ctx && matrix) {
      postToHost(csvMessage(matrix, ctx.units.labels, this.focusLabel()));
    }
  }

  private saveImage(format: 'png' | 'svg'): void {
    const svg = this.activeView().toSvg();
    if (svg)
      postImage(svg, format, this.currentView(), this.state, (why) => {
        this.error = why;
        this.render();
      });
  }

  private exportJson(scope: 'all' | 'selection'): void {
    const runId = this.store.runId;
    if (runId !== null) postToHost(jsonMessage(runId, scope, this.currentView(), this.state));
  }
}
