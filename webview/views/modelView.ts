/**
 * Model view: every layer × head as a thumbnail heatmap, drawn from the engine's layer
 * overviews (block means at most `THUMBNAIL_SIDE` a side; the exact matrix up to that many
 * tokens): the view asks for no attention slice. Thumbnails are buttons in a roving-tabindex
 * grid: arrow keys move, Enter or a click opens the head in the matrix view.
 */
import type { LayerOverview } from '../../src/engine/types';
import { projectMatrix } from '../../src/shared/displayUnits';
import { colsOf, type SquareMatrix } from '../../src/shared/squareMatrix';
import type { ReceivedOverview } from '../../src/protocol/overviewWire';
import { pooledLevels, thumbnailLevels } from '../../src/shared/thumbnailLevels';
import { paintThumbnail, THUMBNAIL_SCALE } from '../heatmap/thumbnailImage';
import { choiceWindow, unitWindowMask, type WindowMask, windowMask } from '../heatmap/windowMask';
import { esc, svgDocument } from '../export/svg';
import { statisticsCsv } from '../export/statisticsCsv';
import { modelOverviews, modelWeightsLegend } from '../weightedOverviews';
import type { CsvCopy, Focus, View, ViewContext, ViewHost } from './view';

/** Backing-store size of a thumbnail; CSS scales it to fit the panel. */
const THUMB = 128;

export class ModelView implements View {
  readonly element = document.createElement('div');
  private readonly grid = document.createElement('div');
  /** Which weights the thumbnails show (issue 24's Weights switch). */
  private readonly weightsNote = document.createElement('p');
  private ctx: ViewContext | undefined;
  private cells: HTMLButtonElement[][] = [];
  /** What each thumbnail was drawn from, so a new layer redraws only its own row. */
  private drawn = new Map<HTMLCanvasElement, unknown[]>();
  private active = { layer: 0, head: 0 };

  constructor(private readonly host: ViewHost) {
    this.element.className = 'model-view';
    this.grid.className = 'model-grid';
    const note = document.createElement('p');
    note.className = 'model-scale';
    note.textContent = THUMBNAIL_SCALE;
    this.grid.setAttribute('role', 'group');
    this.grid.addEventListener('keydown', (e) => this.onKey(e));
    this.weightsNote.className = 'model-scale model-weights';
    this.element.append(note, this.weightsNote, this.grid);
    new ResizeObserver(() => this.fit()).observe(this.element);
  }

  /** Sizes thumbnails so the whole grid fits the panel (within 40–180 CSS pixels). */
  private fit(): void {
    const layers = this.cells.length;
    const heads = this.cells[0]?.length ?? 0;
    if (!layers || !heads) return;
    const { width, height } = this.element.getBoundingClientRect();
    const byWidth = (width - 80) / heads - 8;
    const byHeight = (height - 84) / layers - 8;
    const size = Math.floor(Math.max(40, Math.min(180, byWidth, Math.max(byHeight, 64))));
    this.grid.style.setProperty('--thumb', `${size}px`);
  }

  render(ctx: ViewContext): void {
    const { store } = ctx;
    const layers = store.layerCount;
    const heads = store.heads;
    if (this.cells.length !== layers || this.cells[0]?.length !== heads) this.build(layers, heads);
    this.ctx = ctx;
    const source = modelOverviews(ctx);
    const weighted = ctx.weightedOverviews !== undefined;
    this.weightsNote.textContent = modelWeightsLegend(source, weighted);
    const what = weighted ? 'Value-weighted attention' : 'Attention';
    this.grid.setAttribute('aria-label', `${what} of all ${layers} layers × ${heads} heads`);
    const options = { wordLevel: ctx.state.wordLevel, hideSpecial: ctx.state.hideSpecial };
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const button = this.cells[l][h];
        const canvas = button.querySelector('canvas')!;
        const weights = source.overviews[l];
        const selected = ctx.state.layer === l && ctx.state.head === h;
        button.classList.toggle('selected', selected);
        button.setAttribute('aria-pressed', String(selected));
        button.classList.toggle('pending', !weights);
        const { lut, palette } = ctx;
        const key = [weights, options.wordLevel, options.hideSpecial, lut, palette.mask];
        const before = this.drawn.get(canvas);
        if (!weights || (before && key.every((k, i) => k === before[i]))) continue;
        const m = thumbnailMatrix(weights, h, ctx, source.grouped);
        // Whole pixels per cell when the matrix is small, so thumbnails stay crisp.
        const size = Math.max(1, Math.min(THUMB, Math.max(m.n, colsOf(m))));
        const zoom = Math.max(1, Math.floor(THUMB / size));
        // A long result's thumbnails may come as the levels to paint (src/protocol/overviewWire.ts).
        const levels = (weights as ReceivedOverview).painted
          ? pooledLevels(m.data, m.n, colsOf(m), size)
          : thumbnailLevels(m, size, ctx.causal, thumbnailWindow(weights, l, ctx, source.grouped));
        paintThumbnail(canvas, levels, size, zoom, ctx.lut, ctx.palette.mask);
        this.drawn.set(canvas, key);
      }
    }
  }

  showFocus(_focus: Focus): void {}

  /** Every head's scores as layers × heads grids (webview/export/statisticsCsv.ts). */
  csv(): CsvCopy | undefined {
    const store = this.ctx?.store;
    if (!store?.meta) return undefined;
    const text = statisticsCsv(store.summaries(), store.layerCount, store.heads);
    return { text, what: 'per-head statistics (layers × heads) as CSV' };
  }

  focusInside(): void {
    this.cells[this.active.layer]?.[this.active.head]?.focus();
  }

  toSvg(): string | undefined {
    const ctx = this.ctx;
    if (!ctx) return undefined;
    const gap = 8;
    const left = 48;
    const top = 44;
    const size = 96;
    const step = size + gap;
    const p = ctx.palette;
    const { overviews } = modelOverviews(ctx);
    const weighted = ctx.weightedOverviews ? ' — value-weighted' : '';
    const body: string[] = [
      `<g font-family="${esc(p.fontFamily)}" font-size="12" fill="${esc(p.foreground)}">`,
      `<text x="${left}" y="16">${esc(ctx.store.meta?.model.name ?? '')} — ${esc(ctx.store.meta?.source.label ?? '')}${weighted}</text>`,
    ];
    this.cells.forEach((row, l) => {
      body.push(
        `<text x="${left - 8}" y="${top + l * step + size / 2}" text-anchor="end">L${l}</text>`,
      );
      row.forEach((button, h) => {
        if (l === 0)
          body.push(
            `<text x="${left + h * step + size / 2}" y="${top - 8}" text-anchor="middle">H${h}</text>`,
          );
        if (!overviews[l]) return;
        const url = button.querySelector('canvas')!.toDataURL('image/png');
        body.push(
          `<image x="${left + h * step}" y="${top + l * step}" width="${size}" height="${size}" href="${url}"/>`,
        );
      });
    });
    body.push('</g>');
    const heads = this.cells[0]?.length ?? 0;
    return svgDocument(
      left + heads * step + gap,
      top + this.cells.length * step + gap,
      p.background,
      body,
    );
  }

  private build(layers: number, heads: number): void {
    this.drawn.clear();
    this.grid.replaceChildren();
    this.grid.style.gridTemplateColumns = `auto repeat(${heads}, max-content)`;
    this.grid.append(document.createElement('span'));
    for (let h = 0; h < heads; h++) this.grid.append(header(`H${h}`));
    this.cells = [];
    for (let l = 0; l < layers; l++) {
      this.grid.append(header(`L${l}`));
      const row: HTMLButtonElement[] = [];
      for (let h = 0; h < heads; h++) {
        const button = document.createElement('button');
        button.className = 'thumb';
        button.tabIndex = l === this.active.layer && h === this.active.head ? 0 : -1;
        button.setAttribute('aria-label', `Layer ${l}, head ${h}: open in the matrix view`);
        button.dataset.layer = String(l);
        button.dataset.head = String(h);
        const canvas = document.createElement('canvas');
        canvas.width = THUMB;
        canvas.height = THUMB;
        button.append(canvas);
        button.addEventListener('click', () => this.host.open(l, h));
        button.addEventListener('focus', () => this.setActive(l, h));
        row.push(button);
        this.grid.append(button);
      }
      this.cells.push(row);
    }
    this.fit();
  }

  private setActive(layer: number, head: number): void {
    this.cells[this.active.layer]?.[this.active.head]?.setAttribute('tabindex', '-1');
    this.active = { layer, head };
    this.cells[layer][head].tabIndex = 0;
  }

  private onKey(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const layer = Math.min(this.cells.length - 1, Math.max(0, this.active.layer + move[0]));
    const head = Math.min(
      (this.cells[0]?.length ?? 1) - 1,
      Math.max(0, this.active.head + move[1]),
    );
    this.setActive(layer, head);
    this.cells[layer][head].focus();
  }
}

function header(text: string): HTMLElement {
  const el = document.createElement('span');
  el.className = 'grid-header';
  el.setAttribute('aria-hidden', 'true');
  el.textContent = text;
  return el;
}

/** Layer `layer`'s sliding window over its thumbnail's rows and columns (tokens, units or blocks). */
function thumbnailWindow(
  overview: LayerOverview,
  layer: number,
  ctx: ViewContext,
  grouped: boolean,
): WindowMask | undefined {
  const size = choiceWindow(ctx.store.windows, layer, 0);
  if (!size) return undefined;
  const { side, colSide, blockRows, blockCols } = overview;
  if (blockRows === 1 && blockCols === 1) return unitWindowMask(size, ctx.units);
  // Blocks of grouped thumbnails are blocks of units: a unit stands for its tokens.
  const units = grouped ? ctx.units.units : undefined;
  const count = units?.length ?? ctx.store.cols;
  const first = (u: number) => units?.[u][0] ?? u;
  const last = (u: number) => units?.[u].at(-1) ?? u;
  return windowMask(
    size,
    Array.from({ length: side }, (_, i) => first(i * blockRows)),
    Array.from({ length: colSide }, (_, j) => last(Math.min((j + 1) * blockCols, count) - 1)),
  );
}

/**
 * Head `head` of an overview as a matrix to draw. An exact one (one token per cell) follows
 * word level and hidden specials like the other views; block means of a long result come
 * `grouped` from the engine when they must (webview/unitOverviews.ts).
 */
function thumbnailMatrix(
  overview: LayerOverview,
  head: number,
  ctx: ViewContext,
  grouped: boolean,
): SquareMatrix {
  const { side, colSide, blockRows, blockCols, thumbnails } = overview;
  const size = side * colSide;
  const data = thumbnails.subarray(head * size, (head + 1) * size);
  const m: SquareMatrix = side === colSide ? { n: side, data } : { n: side, data, cols: colSide };
  return blockRows === 1 && blockCols === 1 && !grouped ? projectMatrix(m, ctx.units) : m;
}
