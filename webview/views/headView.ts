/**
 * Head view (after bertviz): query tokens on the left, key tokens on the right (target and
 * source tokens for cross-attention), a line per strong weight whose opacity is the weight,
 * one colour per head. Only each token's top-k lines above a threshold are drawn so long
 * inputs stay readable. Hovering a token keeps only its lines; a click or Enter pins it.
 */
import { projectMatrix } from '../../src/shared/displayUnits';
import { meanOfMatrices } from '../../src/shared/headAggregates';
import { headMatrix, type SquareMatrix } from '../../src/shared/squareMatrix';
import { headSvg } from '../export/headSvg';
import { headColor } from '../theme';
import {
  HEAD_GAP,
  HEAD_ROW,
  HEAD_THRESHOLD,
  headLines,
  linesToKey,
  type HeadLine,
} from '../heatmap/headLines';
import { paintHeadLines } from '../heatmap/headLinesPainter';
import type { Focus, View, ViewContext, ViewHost } from './view';

export class HeadView implements View {
  readonly element = document.createElement('div');
  private readonly chips = document.createElement('div');
  private readonly body = document.createElement('div');
  private readonly queries = document.createElement('div');
  private readonly keys = document.createElement('div');
  private readonly base = document.createElement('canvas');
  private readonly overlay = document.createElement('canvas');
  private ctx: ViewContext | undefined;
  private perHead: { head: number; m: SquareMatrix }[] = [];
  private mean: SquareMatrix | undefined;
  private lines: HeadLine[] = [];
  /** What `perHead` was computed from (the store mutates in place as layers arrive). */
  private source: unknown[] = [];
  private focus: Focus = { unit: null, pinned: false, top: [], row: null };
  private keyHover: number | null = null;
  /** Key tokens currently marked top-k or hovered, and each key's shade opacity. */
  private marked: number[] = [];
  private shades = new Float32Array(0);

  constructor(private readonly host: ViewHost) {
    this.element.className = 'head-view';
    this.chips.className = 'head-chips';
    this.chips.setAttribute('role', 'group');
    this.chips.setAttribute('aria-label', 'Heads shown');
    this.body.className = 'head-body';
    this.queries.className = 'head-column queries';
    this.queries.setAttribute('role', 'listbox');
    this.queries.setAttribute('aria-label', 'Query tokens: arrow keys move, Enter pins');
    this.queries.tabIndex = 0;
    this.keys.className = 'head-column keys';
    this.keys.setAttribute('aria-hidden', 'true');
    const band = document.createElement('div');
    band.className = 'head-band';
    this.base.className = 'head-lines';
    this.overlay.className = 'head-lines overlay';
    band.append(this.base, this.overlay);
    this.body.append(this.queries, band, this.keys);
    const scroll = document.createElement('div');
    scroll.className = 'head-scroll';
    scroll.append(this.body);
    this.element.append(this.chips, scroll);
    this.listen();
  }

  render(ctx: ViewContext): void {
    const prev = this.ctx;
    this.ctx = ctx;
    const { store, state } = ctx;
    const shown = state.heads.length
      ? state.heads.filter((h) => h < store.heads)
      : range(store.heads);
    // The heads on show, one ask; a single head comes out of it by index.
    const weights = store.layerHeads(state.layer, shown);
    const source = [weights, ctx.units, shown.join(',')];
    const dataChanged = source.some((s, k) => s !== this.source[k]);
    if (dataChanged) {
      this.source = source;
      this.perHead = weights
        ? shown.map((head, k) => ({
            head,
            m: projectMatrix(headMatrix(weights, store.n, k, store.cols), ctx.units),
          }))
        : [];
      this.mean = meanOfMatrices(this.perHead.map((p) => p.m));
      this.lines = [];
      this.buildColumns(ctx.units.labels, ctx.keyUnits.labels);
    }
    this.buildChips(ctx, shown);
    if (dataChanged || prev?.settings.topK !== ctx.settings.topK) {
      this.lines = headLines(this.perHead, ctx.settings.topK, HEAD_THRESHOLD);
    }
    this.paintBase();
    this.paintOverlay();
  }

  showFocus(focus: Focus): void {
    this.focus = focus;
    this.queries.querySelectorAll('.token.focused').forEach((el) => {
      el.classList.remove('focused');
      el.setAttribute('aria-selected', 'false');
    });
    if (focus.unit !== null) {
      const el = this.queries.children[focus.unit] as HTMLElement | undefined;
      el?.classList.add('focused');
      el?.setAttribute('aria-selected', 'true');
      if (el) this.queries.setAttribute('aria-activedescendant', el.id);
      if (focus.pinned) el?.scrollIntoView({ block: 'nearest' });
    }
    this.paintOverlay();
  }

  focusInside(): void {
    this.queries.focus();
  }

  focusMatrix(): SquareMatrix | undefined {
    return this.mean;
  }

  toSvg(): string | undefined {
    const ctx = this.ctx;
    if (!ctx || !this.perHead.length) return undefined;
    return headSvg(ctx, this.currentLines(), this.focus);
  }

  /** The lines drawn now: all, or only the focused query's / hovered key's. */
  private currentLines(): HeadLine[] {
    if (this.keyHover !== null) return linesToKey(this.perHead, this.keyHover, HEAD_THRESHOLD);
    if (this.focus.unit !== null) return this.lines.filter((l) => l.query === this.focus.unit);
    return this.lines;
  }

  private buildChips(ctx: ViewContext, shown: number[]): void {
    this.chips.replaceChildren();
    const label = document.createElement('span');
    const weighted = ctx.store.weights === 'value-weighted' ? ' (value-weighted)' : '';
    label.textContent = `Layer ${ctx.state.layer} heads${weighted}:`;
    this.chips.append(label);
    for (let h = 0; h < ctx.store.heads; h++) {
      const chip = document.createElement('button');
      chip.className = 'chip';
      chip.setAttribute('aria-pressed', String(shown.includes(h)));
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.backgroundColor = headColor(h, ctx.palette);
      chip.append(swatch, document.createTextNode(`H${h}`));
      chip.addEventListener('click', () => {
        const next = shown.includes(h)
          ? shown.filter((x) => x !== h)
          : [...shown, h].sort((a, b) => a - b);
        this.host.patchState({
          heads: next.length === ctx.store.heads ? [] : next.length ? next : [h],
        });
      });
      this.chips.append(chip);
    }
  }

  /** Query labels on the left, key labels on the right (target and source for cross). */
  private buildColumns(labels: string[], keyLabels: string[]): void {
    const make = (i: number, side: string) => {
      const label = (side === 'q' ? labels : keyLabels)[i];
      const el = document.createElement('div');
      el.className = 'token';
      el.id = `${side}-${i}`;
      el.dataset.unit = String(i);
      const shade = document.createElement('span');
      shade.className = 'shade';
      const text = document.createElement('span');
      text.className = 'text';
      text.textContent = label;
      el.title = label;
      el.append(shade, text);
      if (side === 'q') {
        el.setAttribute('role', 'option');
        el.setAttribute('aria-selected', 'false');
      }
      return el;
    };
    this.marked = [];
    this.shades = new Float32Array(keyLabels.length);
    this.queries.replaceChildren(...labels.map((_, i) => make(i, 'q')));
    this.keys.replaceChildren(...keyLabels.map((_, i) => make(i, 'k')));
    const dpr = window.devicePixelRatio || 1;
    const height = Math.max(labels.length, keyLabels.length) * HEAD_ROW;
    for (const c of [this.base, this.overlay]) {
      c.width = HEAD_GAP * dpr;
      c.height = Math.max(1, height * dpr);
      c.style.height = `${height}px`;
    }
  }

  private paintBase(): void {
    this.base.classList.toggle('dim', this.focus.unit !== null || this.keyHover !== null);
    paintHeadLines(this.base, this.lines, this.ctx?.palette);
  }

  private paintOverlay(): void {
    const focused = this.focus.unit !== null || this.keyHover !== null;
    this.base.classList.toggle('dim', focused);
    paintHeadLines(this.overlay, focused ? this.currentLines() : [], this.ctx?.palette);
    // Keys are shaded by the focused row's weight; only changed opacities are written and
    // only the previously and newly marked keys get their classes toggled.
    const row = this.keyHover !== null ? null : this.focus.row;
    const keys = this.keys.children;
    for (let j = 0; j < keys.length; j++) {
      const opacity = row ? Math.min(1, row[j] ?? 0) : 0;
      if (opacity === this.shades[j]) continue;
      this.shades[j] = opacity;
      ((keys[j] as HTMLElement).firstElementChild as HTMLElement).style.opacity = String(opacity);
    }
    const marked = row ? this.focus.top : [];
    const hovered = this.keyHover !== null ? [this.keyHover] : [];
    for (const j of new Set([...this.marked, ...marked, ...hovered])) {
      keys[j]?.classList.toggle('top', marked.includes(j));
      keys[j]?.classList.toggle('focused', hovered.includes(j));
    }
    this.marked = [...marked, ...hovered];
  }

  private listen(): void {
    const unitAt = (e: Event) => {
      const el = (e.target as HTMLElement).closest<HTMLElement>('.token');
      return el ? Number(el.dataset.unit) : null;
    };
    this.queries.addEventListener('pointerover', (e) => {
      const u = unitAt(e);
      if (u !== null && !this.focus.pinned) this.host.focus(u, false);
    });
    this.queries.addEventListener('pointerleave', () => {
      if (!this.focus.pinned) this.host.focus(null, false);
    });
    this.queries.addEventListener('click', (e) => {
      const u = unitAt(e);
      if (u === null) return;
      const unpin = this.focus.pinned && this.focus.unit === u;
      this.host.focus(unpin ? null : u, !unpin);
      // Only source tokens have a range in the editor (cross-attention rows are target tokens).
      if (!unpin && this.ctx?.units === this.ctx?.keyUnits) this.host.reveal(u);
    });
    this.keys.addEventListener('pointerover', (e) => {
      this.keyHover = unitAt(e);
      this.paintOverlay();
    });
    this.keys.addEventListener('pointerleave', () => {
      this.keyHover = null;
      this.paintOverlay();
    });
    this.queries.addEventListener('keydown', (e) => {
      const n = this.ctx?.units.units.length ?? 0;
      if (!n) return;
      const at = this.focus.unit ?? -1;
      const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: n - 1 }[e.key];
      if (next !== undefined) {
        e.preventDefault();
        this.host.focus(Math.min(n - 1, Math.max(0, next)), true);
      } else if (e.key === 'Enter' && this.focus.unit !== null) {
        // Only a query that is also a key is in the editor (not a cross-attention target).
        if (this.ctx?.units === this.ctx?.keyUnits) this.host.reveal(this.focus.unit);
      } else if (e.key === 'Escape') {
        this.host.focus(null, false);
      }
    });
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
