/**
 * The cells of a long head (issue 22) drawn from what is here: its zoomed-out picture
 * stretched over the whole matrix, then, when the view shows few enough tokens, the tiles on
 * screen at full resolution over it (asked for here; drawn once they arrive). Tile images are
 * kept for the colours they were made with, a bounded number of them.
 */
import {
  type HeadPicture,
  type HeadTiles,
  TILE_SPAN,
  type TileTarget,
  tilesCovering,
} from '../headTiles';
import { type CellPaint, cellsCanvas } from './heatmapImage';
import { type MatrixLayout, visibleRange } from './matrixLayout';
import { colsOf } from '../../src/shared/squareMatrix';
import { matrixCsv } from '../../src/shared/matrixCsv';
import type { CsvCopy, ViewContext } from '../views/view';

/** A long head as the matrix view draws it. */
export interface TiledHead {
  source: HeadTiles;
  target: TileTarget;
  /** Undefined until the engine's answer arrives. */
  picture: HeadPicture | undefined;
  /** Why the picture could not be had. */
  error: string | undefined;
}

/** Tile images kept (each at most 128 × 128 pixels: 64 KiB). */
const IMAGES_KEPT = 48;

/** What the base layer drew: nothing yet, the picture only, or the picture and tiles. */
export type TiledDraw = 'waiting' | 'picture' | 'tiles';

export class TiledCells {
  private readonly images = new Map<string, HTMLCanvasElement>();
  private paint: CellPaint | undefined;
  private pictureImage: { data: Float32Array; canvas: HTMLCanvasElement } | undefined;

  /**
   * Draws `head` with cell (0, 0) at `(x0, y0)`; the caller clips to the plot. Tiles are
   * asked for only when at most `TILE_SPAN` tokens show each way.
   */
  draw(
    g: CanvasRenderingContext2D,
    x0: number,
    y0: number,
    l: MatrixLayout,
    head: TiledHead,
    paint: CellPaint,
  ): TiledDraw {
    this.forgetIfRepainted(paint);
    const { picture, target, source } = head;
    if (!picture) return 'waiting';
    g.imageSmoothingEnabled = false;
    g.drawImage(this.pictureCanvas(picture, paint), x0, y0, l.cols * l.cell, l.n * l.cell);
    const [r0, r1] = visibleRange(l.panY, l.plotHeight, l.cell, l.n);
    const [c0, c1] = visibleRange(l.panX, l.plotWidth, l.cell, l.cols);
    if (r1 - r0 > TILE_SPAN || c1 - c0 > TILE_SPAN || picture.block === 1) return 'picture';
    for (const place of tilesCovering(r0, r1, c0, c1, l.n, l.cols)) {
      const data = source.tile(target, place);
      if (!data) continue;
      const key = `${target.runId}/${target.kind}/${target.layer}/${target.head}/${place.row}/${place.col}`;
      let image = this.images.get(key);
      if (!image) {
        image = cellsCanvas(data, place.rows, place.cols, { ...place, block: 1 }, paint);
        if (this.images.size >= IMAGES_KEPT)
          this.images.delete(this.images.keys().next().value as string);
        this.images.set(key, image);
      }
      const x = x0 + place.col * l.cell;
      const y = y0 + place.row * l.cell;
      g.drawImage(image, x, y, place.cols * l.cell, place.rows * l.cell);
    }
    return 'tiles';
  }

  /** What a long head was drawn from and the bytes of it held, on `canvas` for tests and tools. */
  describe(canvas: HTMLCanvasElement, drawn: TiledDraw | undefined, ctx: ViewContext | undefined) {
    if (drawn && ctx?.tiles) {
      canvas.dataset.tiles = JSON.stringify({ drawn, heldBytes: ctx.tiles.source.heldBytes });
    } else delete canvas.dataset.tiles;
  }

  private pictureCanvas(picture: HeadPicture, paint: CellPaint): HTMLCanvasElement {
    if (this.pictureImage?.data !== picture.data) {
      const at = { row: 0, col: 0, block: picture.block };
      const canvas = cellsCanvas(picture.data, picture.rows, picture.cols, at, paint);
      this.pictureImage = { data: picture.data, canvas };
    }
    return this.pictureImage.canvas;
  }

  /** Images made with other colours (colour map, scale, mask, window) are made again. */
  private forgetIfRepainted(paint: CellPaint): void {
    const was = this.paint;
    const same =
      was &&
      was.lut === paint.lut &&
      was.scale === paint.scale &&
      was.causal === paint.causal &&
      was.maskColor === paint.maskColor &&
      was.window === paint.window;
    if (same) return;
    this.paint = paint;
    this.images.clear();
    this.pictureImage = undefined;
  }
}

/** Rows and columns of what the view draws: its matrix, or a long head's tiles. */
export function shownSize(ctx: ViewContext | undefined): { n: number; cols: number } {
  if (ctx?.matrix) return { n: ctx.matrix.n, cols: colsOf(ctx.matrix) };
  if (ctx?.tiles) return { n: ctx.tiles.target.n, cols: ctx.tiles.target.cols };
  return { n: 0, cols: 0 };
}

/**
 * Copy CSV of a long head: the part on screen, once its tiles are here (the whole head of
 * 2,048 tokens would be a 40 MB string); undefined when the view draws a whole matrix.
 */
export function visibleCsv(ctx: ViewContext | undefined, l: MatrixLayout): CsvCopy | undefined {
  if (!ctx?.tiles) return undefined;
  const { source, target } = ctx.tiles;
  const [r0, r1] = visibleRange(l.panY, l.plotHeight, l.cell, l.n);
  const [c0, c1] = visibleRange(l.panX, l.plotWidth, l.cell, l.cols);
  if (r1 - r0 > TILE_SPAN || c1 - c0 > TILE_SPAN) {
    return { refusal: `Zoom in to at most ${TILE_SPAN} tokens each way to copy this head as CSV.` };
  }
  const width = c1 - c0;
  const data = new Float32Array((r1 - r0) * width);
  for (const place of tilesCovering(r0, r1, c0, c1, l.n, l.cols)) {
    const tile = source.peekTile(target, place);
    if (!tile)
      return { refusal: 'The part on screen is still on its way: copy again in a moment.' };
    for (let i = Math.max(r0, place.row); i < Math.min(r1, place.row + place.rows); i++) {
      for (let j = Math.max(c0, place.col); j < Math.min(c1, place.col + place.cols); j++) {
        data[(i - r0) * width + (j - c0)] = tile[(i - place.row) * place.cols + (j - place.col)];
      }
    }
  }
  const m = { n: r1 - r0, data, cols: width };
  const labels = ctx.units.labels.slice(r0, r1);
  const text = matrixCsv(m, labels, ctx.keyUnits.labels.slice(c0, c1));
  return { text, what: `${ctx.choiceLabel}, tokens ${r0}–${r1 - 1} × ${c0}–${c1 - 1}, as CSV` };
}
