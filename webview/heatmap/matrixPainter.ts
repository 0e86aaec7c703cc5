/**
 * Drawing of the matrix view: the base layer (heatmap image scaled to the layout, the
 * hatched causal mask and sliding window, labels) and the overlay (focus and highlights), kept apart so a
 * hover repaints only the overlay.
 */
import type { Focus, ViewContext } from '../views/view';
import { hatchPattern, maskedTrianglePath } from './heatmapImage';
import { shortLabel, visibleRange, type MatrixLayout } from './matrixLayout';
import type { TiledCells, TiledDraw } from './tiledCells';
import { outsidePath } from './windowMask';

/** What both layers draw from. */
export interface MatrixScene {
  ctx: ViewContext;
  layout: MatrixLayout;
  /** The heatmap at one pixel per cell. */
  image?: HTMLCanvasElement;
  /** Draws `ctx.tiles` (a long head) in place of `image`. */
  tiled?: TiledCells;
}

/** A cleared 2D context of `canvas`, scaled so drawing uses CSS pixels. */
export function prepare(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const g = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, canvas.width, canvas.height);
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return g;
}

/**
 * Paints the heatmap, the hatched causal mask, grid lines (high contrast) and labels; says
 * what a long head's cells were drawn from.
 */
export function paintMatrixBase(
  g: CanvasRenderingContext2D,
  scene: MatrixScene | undefined,
): TiledDraw | undefined {
  if (!scene) return undefined;
  const { ctx, layout: l, image } = scene;
  const dpr = window.devicePixelRatio || 1;
  const p = ctx.palette;
  g.fillStyle = p.muted;
  g.font = `13px ${p.fontFamily}`;
  const tiles = ctx.tiles && scene.tiled;
  if (tiles ? !ctx.tiles?.picture : !image || !ctx.matrix) {
    g.fillText(ctx.tiles?.error ?? `Waiting for ${ctx.choiceLabel}…`, 16, 24);
    return ctx.tiles && 'waiting';
  }
  const x0 = l.left + l.panX;
  const y0 = l.top + l.panY;
  g.save();
  g.beginPath();
  g.rect(l.left, l.top, l.plotWidth, l.plotHeight);
  g.clip();
  g.imageSmoothingEnabled = false;
  let drawn: TiledDraw | undefined;
  if (tiles && ctx.tiles) {
    const { lut, scale, causal, window } = ctx;
    const paint = { lut, scale, causal, maskColor: p.mask, window };
    drawn = tiles.draw(g, x0, y0, l, ctx.tiles, paint);
  } else if (image) g.drawImage(image, x0, y0, l.cols * l.cell, l.n * l.cell);
  if (ctx.causal && l.n > 1) {
    g.beginPath();
    maskedTrianglePath(g, x0, y0, l.cell, l.n);
    g.fillStyle = hatchPattern(g, p.hatch, dpr);
    g.fill();
  }
  if (ctx.window) {
    g.beginPath();
    outsidePath(g, ctx.window, x0, y0, l.cell);
    g.fillStyle = hatchPattern(g, p.hatch, dpr);
    g.fill();
  }
  if (p.grid && l.cell >= 8) paintGrid(g, x0, y0, l, p.grid);
  g.restore();
  paintLabels(g, scene);
  return drawn;
}

function paintGrid(
  g: CanvasRenderingContext2D,
  x0: number,
  y0: number,
  l: MatrixLayout,
  color: string,
): void {
  g.strokeStyle = color;
  g.lineWidth = 0.5;
  g.beginPath();
  for (let k = 0; k <= l.cols; k++) {
    g.moveTo(x0 + k * l.cell, y0);
    g.lineTo(x0 + k * l.cell, y0 + l.n * l.cell);
  }
  for (let k = 0; k <= l.n; k++) {
    g.moveTo(x0, y0 + k * l.cell);
    g.lineTo(x0 + l.cols * l.cell, y0 + k * l.cell);
  }
  g.stroke();
}

/** Axis labels; with `emphasis`, only the focused row's and the highlighted columns'. */
function paintLabels(
  g: CanvasRenderingContext2D,
  scene: MatrixScene,
  emphasis?: Set<number>,
  row?: number,
): void {
  const { ctx, layout: l } = scene;
  const labels = ctx.units.labels;
  const keyLabels = ctx.keyUnits.labels;
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
  const [c0, c1] = visibleRange(l.panX, l.plotWidth, l.cell, l.cols);
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
    g.fillText(shortLabel(keyLabels[j]), 0, 0);
    g.restore();
  }
}

/** Highlights only: focused row, its top-k cells and labels, the keyboard cursor. */
export function paintMatrixOverlay(
  g: CanvasRenderingContext2D,
  scene: MatrixScene | undefined,
  f: Focus,
  cursor: { row: number; col: number } | null,
): void {
  if ((!scene?.ctx.matrix && !scene?.ctx.tiles) || scene.layout.n === 0) return;
  const { ctx, layout: l } = scene;
  const p = ctx.palette;
  const x0 = l.left + l.panX;
  const y0 = l.top + l.panY;
  if (f.unit !== null && f.unit < l.n) {
    // Cover the plain labels of the focused row and top-k columns with emphasised ones.
    g.fillStyle = p.background;
    g.fillRect(0, y0 + f.unit * l.cell, l.left - 1, l.cell);
    for (const j of f.top) g.fillRect(x0 + j * l.cell, 0, l.cell, l.top - 1);
    paintLabels(g, scene, new Set(f.top), f.unit);
    g.save();
    g.beginPath();
    g.rect(l.left, l.top, l.plotWidth, l.plotHeight);
    g.clip();
    g.lineWidth = p.lineWidth;
    g.strokeStyle = p.focus;
    g.strokeRect(x0, y0 + f.unit * l.cell, l.cols * l.cell, l.cell);
    g.strokeStyle = p.highlight;
    for (const j of f.top) {
      g.strokeRect(
        x0 + j * l.cell + 1,
        y0 + f.unit * l.cell - 2,
        Math.max(2, l.cell - 2),
        l.cell + 4,
      );
    }
    g.restore();
  }
  if (cursor) {
    g.setLineDash([3, 2]);
    g.lineWidth = p.lineWidth;
    g.strokeStyle = p.foreground;
    const { row, col } = cursor;
    g.strokeRect(x0 + col * l.cell, y0 + row * l.cell, Math.max(3, l.cell), Math.max(3, l.cell));
    g.setLineDash([]);
  }
}
