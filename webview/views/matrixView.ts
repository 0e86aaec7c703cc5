/**
 * Matrix view: one layer/head (or aggregate) as a heatmap with token labels on both axes,
 * zoom and pan for long inputs. The heatmap is drawn once into an n×n image; hover and
 * keys only repaint a transparent overlay canvas, which keeps feedback under a frame. A head
 * of a long result is drawn from tiles instead (heatmap/tiledCells.ts, issue 22).
 */
import { DragPan, type Pan } from '../heatmap/dragPan';
import { heatmapCanvas } from '../heatmap/heatmapImage';
import { colorLegend } from '../heatmap/colorLegend';
import { weightsName } from '../valueWeighted';
import {
  hitMatrix,
  layoutMatrix,
  moveCursor,
  panKeeping,
  panToShow,
  labelMargin,
  type MatrixLayout,
} from '../heatmap/matrixLayout';
import { paintMatrixBase, paintMatrixOverlay, prepare } from '../heatmap/matrixPainter';
import { shownSize as sizeOf, TiledCells, visibleCsv } from '../heatmap/tiledCells';
import { matrixSvg } from '../export/matrixSvg';
import { showTooltip, tooltipText } from '../heatmap/matrixTooltip';
import { zoomControls } from '../controls/zoomControls';
import type { CsvCopy, Focus, View, ViewContext, ViewHost } from './view';

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
  private pan: Pan = { x: 0, y: 0 };
  private readonly drag = new DragPan();
  private margin = { left: 60, top: 60 };
  private readonly tiled = new TiledCells();

  constructor(private readonly host: ViewHost) {
    this.element.className = 'matrix-view';
    const stage = document.createElement('div');
    stage.className = 'matrix-stage';
    this.base.className = 'matrix-base';
    this.base.tabIndex = 0;
    this.base.setAttribute('role', 'application');
    this.base.setAttribute('aria-roledescription', 'attention matrix');
    this.overlay.className = 'matrix-overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    this.tooltip.className = 'tooltip';
    this.tooltip.hidden = true;
    this.legend.className = 'legend';
    stage.append(this.base, this.overlay, this.tooltip);
    const footer = document.createElement('div');
    footer.className = 'matrix-footer';
    footer.append(
      this.legend,
      zoomControls((factor) =>
        this.zoomAt(factor === 0 ? 1 : (this.ctx?.state.zoom ?? 1) * factor),
      ),
    );
    this.element.append(stage, footer);
    new ResizeObserver(() => this.redraw()).observe(stage);
    this.listen();
  }

  render(ctx: ViewContext): void {
    const prev = this.ctx;
    const sameImage =
      prev?.matrix === ctx.matrix &&
      prev?.lut === ctx.lut &&
      prev.scale === ctx.scale &&
      prev.palette.mask === ctx.palette.mask &&
      prev.window === ctx.window;
    this.ctx = ctx;
    const m = ctx.matrix;
    if (!sameImage) {
      this.image = m
        ? heatmapCanvas(m, ctx.lut, ctx.scale, ctx.causal, ctx.palette.mask, ctx.window)
        : undefined;
    }
    const { n, cols } = sizeOf(ctx);
    if (n > 0) {
      this.cursor.row = Math.min(this.cursor.row, n - 1);
      this.cursor.col = Math.min(this.cursor.col, cols - 1);
    }
    this.base.setAttribute(
      'aria-label',
      `Attention matrix, ${ctx.choiceLabel}: rows are query tokens, columns key tokens. ` +
        'Arrow keys move, Enter reveals the key token, plus and minus zoom.',
    );
    this.legend.replaceChildren(
      colorLegend(ctx.lut, ctx.scale, ctx.causal, ctx.palette, ctx.window?.size, weightsName(ctx)),
    );
    this.measureMargins();
    this.redraw();
    // A long head's weight under the pointer may just have arrived (a row or a tile).
    if (this.hover && !this.tooltip.hidden && ctx.tiles) {
      this.tooltip.textContent = tooltipText(ctx, this.hover.row, this.hover.col);
    }
  }

  showFocus(focus: Focus): void {
    this.focus = focus;
    if (focus.unit !== null && focus.unit !== this.cursor.row && focus.pinned) {
      this.cursor = { row: focus.unit, col: focus.top[0] ?? focus.unit };
      this.scrollToCursor();
    }
    this.paintOverlay();
  }

  focusRow(unit: number): Float32Array | undefined | null {
    return this.ctx?.tiles ? this.ctx.tiles.source.row(this.ctx.tiles.target, unit) : null;
  }

  csv(): CsvCopy | undefined {
    return this.layout && visibleCsv(this.ctx, this.layout);
  }

  focusInside(): void {
    this.base.focus();
  }

  toSvg(): string | undefined {
    const ctx = this.ctx;
    if (!ctx?.matrix) return undefined;
    return matrixSvg(ctx.matrix, ctx.units.labels, ctx, this.focus, ctx.keyUnits.labels);
  }

  private measureMargins(): void {
    const { ctx } = this;
    const labels = [...(ctx?.units.labels ?? []), ...(ctx?.keyUnits.labels ?? [])];
    this.margin = labelMargin(this.base.getContext('2d')!, ctx?.palette.monoFamily, labels);
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
    const { n, cols } = sizeOf(ctx);
    const zoom = ctx?.state.zoom ?? 1;
    const { x, y } = this.pan;
    this.layout = layoutMatrix(n, rect.width, rect.height, this.margin, zoom, x, y, cols);
    this.pan = { x: this.layout.panX, y: this.layout.panY };
    // Cell geometry for tests and tools that read the canvas (CSS pixels).
    const { left, top, cell, panX, panY } = this.layout;
    this.base.dataset.layout = JSON.stringify({ n, cols, left, top, cell, panX, panY });
    this.paintBase();
    this.paintOverlay();
  }

  private paintBase(): void {
    const { ctx, layout, image, tiled } = this;
    const scene = ctx && layout ? { ctx, layout, image, tiled } : undefined;
    tiled.describe(this.base, paintMatrixBase(prepare(this.base), scene), ctx);
  }

  private paintOverlay(): void {
    const { ctx, layout } = this;
    const cursor = document.activeElement === this.base ? this.cursor : null;
    paintMatrixOverlay(
      prepare(this.overlay),
      ctx && layout ? { ctx, layout } : undefined,
      this.focus,
      cursor,
    );
  }

  private listen(): void {
    const b = this.base;
    b.addEventListener('pointermove', (e) => this.onPointerMove(e));
    b.addEventListener('pointerdown', (e) => {
      this.drag.press(e, this.pan);
      b.setPointerCapture(e.pointerId);
    });
    b.addEventListener('pointerup', (e) => {
      if (!this.drag.release()) return;
      const hit = this.layout && hitMatrix(this.layout, e.offsetX, e.offsetY);
      if (!hit) return;
      // A cell pins its row and reveals the key; a label reveals its own token, where that
      // token is in the editor: a cross-attention row label is a target token, which is not.
      if (hit.row >= 0) {
        this.cursor = { row: hit.row, col: hit.col < 0 ? this.cursor.col : hit.col };
        this.host.focus(hit.row, true);
      }
      if (hit.col >= 0) this.host.reveal(hit.col);
      else if (this.ctx?.units === this.ctx?.keyUnits) this.host.reveal(hit.row);
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
    const dragged = this.drag.move(e);
    if (dragged) {
      this.pan = dragged;
      this.redraw();
      return;
    }
    const hit = hitMatrix(l, e.offsetX, e.offsetY);
    const same = hit && this.hover && hit.row === this.hover.row && hit.col === this.hover.col;
    this.hover = hit;
    if (!hit) {
      this.tooltip.hidden = true;
      return;
    }
    if (this.ctx?.matrix || this.ctx?.tiles) {
      const text = tooltipText(this.ctx, hit.row, hit.col);
      showTooltip(this.tooltip, text, e.offsetX, e.offsetY, this.base.getBoundingClientRect());
    }
    if (!same && hit.row >= 0 && !this.focus.pinned) this.host.focus(hit.row, false);
  }

  private onWheel(e: WheelEvent): void {
    const l = this.layout;
    if (!l || !this.ctx) return;
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      this.zoomAt(this.ctx.state.zoom * Math.exp(-e.deltaY * 0.002), e.offsetX, e.offsetY);
    } else {
      this.pan = {
        x: this.pan.x - (e.shiftKey ? e.deltaY : e.deltaX),
        y: this.pan.y - (e.shiftKey ? 0 : e.deltaY),
      };
      this.redraw();
    }
  }

  /** Zooms keeping the point `(x, y)` (CSS pixels) over the same cell. */
  zoomAt(zoom: number, x?: number, y?: number): void {
    const l = this.layout;
    if (!l || !this.ctx) return;
    const next = Math.min(MAX_ZOOM, Math.max(1, zoom));
    this.pan = panKeeping(l, next / this.ctx.state.zoom, x, y);
    this.host.patchState({ zoom: next });
  }

  private onKey(e: KeyboardEvent): void {
    const { n, cols } = sizeOf(this.ctx);
    if (n === 0) return;
    const l = this.layout;
    const page = Math.max(1, Math.floor((l?.plotHeight ?? 0) / (l?.cell || 1)) - 1);
    const moved = moveCursor(this.cursor, e.key, e.ctrlKey, n, page, cols);
    const zoom = this.ctx?.state.zoom ?? 1;
    if (moved) this.cursor = moved;
    else if (e.key === 'Enter' || e.key === ' ') this.host.reveal(this.cursor.col);
    else if (e.key === '+' || e.key === '=') this.zoomAt(zoom * 1.5);
    else if (e.key === '-') this.zoomAt(zoom / 1.5);
    else if (e.key === '0') this.zoomAt(1);
    else if (e.key === 'Escape') {
      this.host.focus(null, false);
      return;
    } else return;
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
