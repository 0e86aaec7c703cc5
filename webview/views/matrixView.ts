/**
 * Matrix view: one layer/head (or aggregate) as a heatmap with token labels on both axes,
 * zoom and pan for long inputs. The heatmap is drawn once into an n×n image; hover and
 * keys only repaint a transparent overlay canvas, which keeps feedback under a frame.
 */
import { hatchPattern, heatmapCanvas, maskedTrianglePath } from '../heatmap/heatmapImage';
import { colorLegend } from '../heatmap/colorLegend';
import {
  hitMatrix,
  layoutMatrix,
  panToShow,
  shortLabel,
  visibleRange,
  type MatrixLayout,
} from '../heatmap/matrixLayout';
import { matrixSvg } from '../export/matrixSvg';
import { formatWeight } from '../format';
import type { Focus, View, ViewContext, ViewHost } from './view';

const MAX_ZOOM = 64;

export class MatrixView implements View {
  readonly element = document.createElement('div');
  private readonly base = document.createElement('canvas');
  private readonly overlay = document.createElement('canvas');
  private readonly tooltip = document.createElement('div');
  private readonly legend = document.createElement('div');
  private ctx: ViewContext | undefined;
  private image: HTMLCanvasElement | undefined;
  private layout: MatrixLayout | undefined;
  private focus: Focus = { unit: null, pinned: false, top: [], row: null };
  private cursor = { row: 0, col: 0 };
  private hover: { row: number; col: number } | null = null;
  private pan = { x: 0, y: 0 };
  private drag: { x: number; y: number; panX: number; panY: number; moved: boolean } | null = null;
  private margin = { left: 60, top: 60 };

  constructor(private readonly host: ViewHost) {
    this.element.className = 'matrix-view';
    const stage = document.createElement('div');
    stage.className = 'matrix-stage';
    this.base.className = 'matrix-base';
    this.base.tabIndex = 0;
    this.base.setAttribute('role', 'grid');
    this.overlay.className = 'matrix-overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.legend.className = 'legend';
    stage.append(this.base, this.overlay, this.tooltip);
    this.element.append(stage, this.legend);
    new ResizeObserver(() => this.redraw()).observe(stage);
    this.listen();
  }

  render(ctx: ViewContext): void {
    const prev = this.ctx;
    const sameMatrix = prev?.matrix === ctx.matrix;
    const sameImage =
      sameMatrix && prev?.lut === ctx.lut && prev.vmax === ctx.vmax && prev.palette.mask === ctx.palette.mask;
    this.ctx = ctx;
    const m = ctx.matrix;
    if (!sameImage) {
      this.image = m ? heatmapCanvas(m, ctx.lut, ctx.vmax, ctx.causal, ctx.palette.mask) : undefined;
    }
    if (!sameMatrix && m) {
      this.cursor.row = Math.min(this.cursor.row, m.n - 1);
      this.cursor.col = Math.min(this.cursor.col, m.n - 1);
    }
    this.base.setAttribute(
      'aria-label',
      `Attention matrix, ${ctx.choiceLabel}: rows are query tokens, columns key tokens. ` +
        'Arrow keys move, Enter reveals the key token, plus and minus zoom.',
    );
    this.legend.replaceChildren(colorLegend(ctx.lut, ctx.vmax, ctx.causal, ctx.palette));
    this.measureMargins();
    this.redraw();
  }

  showFocus(focus: Focus): void {
    this.focus = focus;
    if (focus.unit !== null && focus.unit !== this.cursor.row && focus.pinned) {
      this.cursor = { row: focus.unit, col: focus.top[0] ?? focus.unit };
      this.scrollToCursor();
    }
    this.paintOverlay();
  }

  focusInside(): void {
    this.base.focus();
  }

  toSvg(): string | undefined {
    const ctx = this.ctx;
    if (!ctx?.matrix) return undefined;
    return matrixSvg(ctx.matrix, ctx.units.labels, ctx, this.focus);
  }

  /** The current layout, for tests and the benchmark (cell geometry in CSS pixels). */
  get geometry(): MatrixLayout | undefined {
    return this.layout;
  }

  private measureMargins(): void {
    const ctx = this.ctx;
    const g = this.base.getContext('2d')!;
    g.font = `12px ${ctx?.palette.monoFamily ?? 'monospace'}`;
    let widest = 0;
    for (const label of ctx?.units.labels ?? []) {
      widest = Math.max(widest, g.measureText(shortLabel(label)).width);
    }
    const size = Math.ceil(Math.min(150, widest + 12));
    this.margin = { left: size, top: size };
  }

  private redraw(): void {
    const rect = this.base.parentElement!.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    for (const canvas of [this.base, this.overlay]) {
      canvas.width = Math.round(rect.width * dpr);
      canvas.height = Math.round(rect.height * dpr);
      canvas.style.width = `${rect.width}px`;
      canvas.style.height = `${rect.height}px`;
    }
    const ctx = this.ctx;
    const n = ctx?.matrix?.n ?? 0;
    const zoom = ctx?.state.zoom ?? 1;
    this.layout = layoutMatrix(n, rect.width, rect.height, this.margin, zoom, this.pan.x, this.pan.y);
    this.pan = { x: this.layout.panX, y: this.layout.panY };
    // Cell geometry for tests and tools that read the canvas (CSS pixels).
    const { left, top, cell, panX, panY } = this.layout;
    this.base.dataset.layout = JSON.stringify({ n, left, top, cell, panX, panY });
    this.paintBase();
    this.paintOverlay();
  }

  private paintBase(): void {
    const g = this.base.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, this.base.width, this.base.height);
    const { ctx, layout: l, image } = this;
    if (!ctx || !l) return;
    const p = ctx.palette;
    g.fillStyle = p.muted;
    g.font = `13px ${p.fontFamily}`;
    if (!image || !ctx.matrix) {
      g.fillText(`Waiting for ${ctx.choiceLabel}…`, 16, 24);
      return;
    }
    const x0 = l.left + l.panX;
    const y0 = l.top + l.panY;
    const size = l.n * l.cell;
    g.save();
    g.beginPath();
    g.rect(l.left, l.top, l.plotWidth, l.plotHeight);
    g.clip();
    g.imageSmoothingEnabled = false;
    g.drawImage(image, x0, y0, size, size);
    if (ctx.causal && l.n > 1) {
      g.beginPath();
      maskedTrianglePath(g, x0, y0, l.cell, l.n);
      g.fillStyle = hatchPattern(g, p.hatch, dpr);
      g.fill();
    }
    if (p.grid && l.cell >= 8) this.paintGrid(g, x0, y0, l, p.grid);
    g.restore();
    this.paintLabels(g, l);
  }

  private paintGrid(g: CanvasRenderingContext2D, x0: number, y0: number, l: MatrixLayout, color: string): void {
    g.strokeStyle = color;
    g.lineWidth = 0.5;
    g.beginPath();
    for (let k = 0; k <= l.n; k++) {
      g.moveTo(x0 + k * l.cell, y0);
      g.lineTo(x0 + k * l.cell, y0 + l.n * l.cell);
      g.moveTo(x0, y0 + k * l.cell);
      g.lineTo(x0 + l.n * l.cell, y0 + k * l.cell);
    }
    g.stroke();
  }

  private paintLabels(g: CanvasRenderingContext2D, l: MatrixLayout, emphasis?: Set<number>, row?: number): void {
    const ctx = this.ctx!;
    const labels = ctx.units.labels;
    const p = ctx.palette;
    g.textBaseline = 'middle';
    const font = `${l.fontSize}px ${p.monoFamily}`;
    const [r0, r1] = visibleRange(l.panY, l.plotHeight, l.cell, l.n);
    for (let i = r0; i < r1; i += 1) {
      if (i % l.labelStep !== 0 && i !== row) continue;
      if (emphasis && i !== row) continue;
      g.font = i === row ? `bold ${font}` : font;
      g.fillStyle = i === row ? p.focus : p.foreground;
      g.textAlign = 'right';
      g.fillText(shortLabel(labels[i]), l.left - 6, l.top + l.panY + (i + 0.5) * l.cell);
    }
    const [c0, c1] = visibleRange(l.panX, l.plotWidth, l.cell, l.n);
    for (let j = c0; j < c1; j += 1) {
      const strong = emphasis?.has(j);
      if (j % l.labelStep !== 0 && !strong) continue;
      if (emphasis && !strong) continue;
      g.save();
      g.translate(l.left + l.panX + (j + 0.5) * l.cell, l.top - 6);
      g.rotate(-Math.PI / 2);
      g.textAlign = 'left';
      g.font = strong ? `bold ${font}` : font;
      g.fillStyle = strong ? p.highlight : p.foreground;
      g.fillText(shortLabel(labels[j]), 0, 0);
      g.restore();
    }
  }

  /** Highlights only: focused row, its top-k cells and labels, the keyboard cursor. */
  private paintOverlay(): void {
    const g = this.overlay.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, this.overlay.width / dpr, this.overlay.height / dpr);
    const { ctx, layout: l } = this;
    if (!ctx?.matrix || !l || l.n === 0) return;
    const p = ctx.palette;
    const x0 = l.left + l.panX;
    const y0 = l.top + l.panY;
    const f = this.focus;
    if (f.unit !== null && f.unit < l.n) {
      // Cover the plain labels of the focused row and top-k columns with emphasised ones.
      g.fillStyle = p.background;
      g.fillRect(0, y0 + f.unit * l.cell, l.left - 1, l.cell);
      for (const j of f.top) g.fillRect(x0 + j * l.cell, 0, l.cell, l.top - 1);
      this.paintLabels(g, l, new Set(f.top), f.unit);
      g.save();
      g.beginPath();
      g.rect(l.left, l.top, l.plotWidth, l.plotHeight);
      g.clip();
      g.lineWidth = p.lineWidth;
      g.strokeStyle = p.focus;
      g.strokeRect(x0, y0 + f.unit * l.cell, l.n * l.cell, l.cell);
      g.strokeStyle = p.highlight;
      for (const j of f.top) {
        g.strokeRect(x0 + j * l.cell + 1, y0 + f.unit * l.cell - 2, Math.max(2, l.cell - 2), l.cell + 4);
      }
      g.restore();
    }
    if (document.activeElement === this.base) {
      g.setLineDash([3, 2]);
      g.lineWidth = p.lineWidth;
      g.strokeStyle = p.foreground;
      const { row, col } = this.cursor;
      g.strokeRect(x0 + col * l.cell, y0 + row * l.cell, Math.max(3, l.cell), Math.max(3, l.cell));
      g.setLineDash([]);
    }
  }

  private listen(): void {
    const b = this.base;
    b.addEventListener('pointermove', (e) => this.onPointerMove(e));
    b.addEventListener('pointerdown', (e) => {
      this.drag = { x: e.offsetX, y: e.offsetY, panX: this.pan.x, panY: this.pan.y, moved: false };
      b.setPointerCapture(e.pointerId);
    });
    b.addEventListener('pointerup', (e) => {
      const drag = this.drag;
      this.drag = null;
      if (drag?.moved) return;
      const hit = this.layout && hitMatrix(this.layout, e.offsetX, e.offsetY);
      if (!hit || hit.row < 0) return;
      this.cursor = { row: hit.row, col: hit.col < 0 ? this.cursor.col : hit.col };
      this.host.focus(hit.row, true);
      if (hit.col >= 0) this.host.reveal(hit.col);
    });
    b.addEventListener('pointerleave', () => {
      this.hover = null;
      this.tooltip.hidden = true;
      if (!this.focus.pinned) this.host.focus(null, false);
    });
    b.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    b.addEventListener('keydown', (e) => this.onKey(e));
    b.addEventListener('focus', () => this.paintOverlay());
    b.addEventListener('blur', () => this.paintOverlay());
  }

  private onPointerMove(e: PointerEvent): void {
    const l = this.layout;
    if (!l) return;
    if (this.drag) {
      const dx = e.offsetX - this.drag.x;
      const dy = e.offsetY - this.drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        this.pan = { x: this.drag.panX + dx, y: this.drag.panY + dy };
        this.redraw();
        return;
      }
    }
    const hit = hitMatrix(l, e.offsetX, e.offsetY);
    const same = hit && this.hover && hit.row === this.hover.row && hit.col === this.hover.col;
    this.hover = hit;
    if (!hit) {
      this.tooltip.hidden = true;
      return;
    }
    this.placeTooltip(hit.row, hit.col, e.offsetX, e.offsetY);
    if (!same && hit.row >= 0 && !this.focus.pinned) this.host.focus(hit.row, false);
  }

  private placeTooltip(row: number, col: number, x: number, y: number): void {
    const ctx = this.ctx;
    if (!ctx?.matrix) return;
    const labels = ctx.units.labels;
    const m = ctx.matrix;
    let text: string;
    if (row >= 0 && col >= 0) {
      const masked = ctx.causal && col > row;
      const value = masked ? 'masked (causal: a token cannot see later tokens)' : formatWeight(m.data[row * m.n + col]);
      text = `${labels[row]} (#${row}) → ${labels[col]} (#${col})\n${value}`;
    } else {
      text = row >= 0 ? `query ${labels[row]} (#${row})` : `key ${labels[col]} (#${col})`;
    }
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const stage = this.base.getBoundingClientRect();
    const flipX = x + 14 + this.tooltip.offsetWidth > stage.width;
    this.tooltip.style.left = `${flipX ? x - 12 - this.tooltip.offsetWidth : x + 14}px`;
    this.tooltip.style.top = `${Math.min(y + 14, stage.height - this.tooltip.offsetHeight - 4)}px`;
  }

  private onWheel(e: WheelEvent): void {
    const l = this.layout;
    if (!l || !this.ctx) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      this.zoomAt(this.ctx.state.zoom * Math.exp(-e.deltaY * 0.002), e.offsetX, e.offsetY);
    } else {
      this.pan = { x: this.pan.x - (e.shiftKey ? e.deltaY : e.deltaX), y: this.pan.y - (e.shiftKey ? 0 : e.deltaY) };
      this.redraw();
    }
  }

  /** Zooms keeping the point `(x, y)` (CSS pixels) over the same cell. */
  zoomAt(zoom: number, x?: number, y?: number): void {
    const l = this.layout;
    if (!l || !this.ctx) return;
    const next = Math.min(MAX_ZOOM, Math.max(1, zoom));
    const px = x ?? l.left + l.plotWidth / 2;
    const py = y ?? l.top + l.plotHeight / 2;
    const ratio = next / this.ctx.state.zoom;
    this.pan = {
      x: px - l.left - (px - l.left - l.panX) * ratio,
      y: py - l.top - (py - l.top - l.panY) * ratio,
    };
    this.host.patchState({ zoom: next });
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.ctx?.matrix?.n ?? 0;
    if (n === 0) return;
    const page = Math.max(1, Math.floor((this.layout?.plotHeight ?? 0) / (this.layout?.cell || 1)) - 1);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
      PageUp: [-page, 0],
      PageDown: [page, 0],
    };
    const clamp = (k: number) => Math.min(n - 1, Math.max(0, k));
    if (moves[e.key]) {
      const [dr, dc] = moves[e.key];
      this.cursor = { row: clamp(this.cursor.row + dr), col: clamp(this.cursor.col + dc) };
    } else if (e.key === 'Home') {
      this.cursor = { row: e.ctrlKey ? 0 : this.cursor.row, col: 0 };
    } else if (e.key === 'End') {
      this.cursor = { row: e.ctrlKey ? n - 1 : this.cursor.row, col: n - 1 };
    } else if (e.key === 'Enter' || e.key === ' ') {
      this.host.reveal(this.cursor.col);
    } else if (e.key === '+' || e.key === '=') {
      this.zoomAt((this.ctx?.state.zoom ?? 1) * 1.5);
    } else if (e.key === '-') {
      this.zoomAt((this.ctx?.state.zoom ?? 1) / 1.5);
    } else if (e.key === '0') {
      this.zoomAt(1);
    } else if (e.key === 'Escape') {
      this.host.focus(null, false);
      return;
    } else {
      return;
    }
    e.preventDefault();
    this.scrollToCursor();
    this.host.focus(this.cursor.row, true);
  }

  private scrollToCursor(): void {
    const l = this.layout;
    if (!l) return;
    const x = panToShow(this.pan.x, l.plotWidth, l.cell, this.cursor.col);
    const y = panToShow(this.pan.y, l.plotHeight, l.cell, this.cursor.row);
    if (x !== this.pan.x || y !== this.pan.y) {
      this.pan = { x, y };
      this.redraw();
    }
  }
}
