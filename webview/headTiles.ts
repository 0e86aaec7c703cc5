/**
 * One head of a long result as the matrix view draws it (issue 22): never the whole N × N.
 * Zoomed out, one picture of the head whose cells are the maxima of `block` × `block` token
 * blocks (≤ `PICTURE_SIDE` a side, so at most a megabyte; a maximum keeps a sharp diagonal
 * as bright as it is, and the picture's maximum is the head's, which the colour scale needs);
 * zoomed in, the `TILE` × `TILE` tiles on screen at full resolution; for the focus and the
 * tooltip, single rows. Everything lives in one byte-bounded `SliceCache`.
 */
import type { AttentionKind, AttentionSliceRequest, SliceWeights } from '../src/engine/types';
import type { ColorScale } from './heatmap/colorScale';
import type { ScaleMode } from './viewState';
import { SliceCache } from './sliceCache';

/** Results longer than this many tokens (rows or columns) are drawn from tiles. */
export const TILED_ABOVE = 512;
/** The zoomed-out picture has at most this many cells a side. */
export const PICTURE_SIDE = 512;
/** Tokens a tile is a side. */
export const TILE = 128;
/** Tiles are fetched only when the view shows at most this many tokens each way. */
export const TILE_SPAN = 512;
/** Bytes of pictures, tiles and rows kept (a 2,048-token head would be 16 MiB). */
export const TILE_CACHE_BYTES = 8 * 1024 * 1024;

/** Which head: run, attention kind, layer, head, and the matrix's rows and columns. */
export interface TileTarget {
  runId: number;
  kind: AttentionKind;
  layer: number;
  /**
   * One head, or the mean or maximum over the layer's heads, which the engine combines
   * before it cuts tiles, reduces blocks or answers a row (`acrossHeads`): never a whole layer.
   */
  head: number | 'mean' | 'max';
  n: number;
  cols: number;
  /**
   * Attention, or value-weighted rows as shares (issue 24): the engine divides whole rows
   * (`rowShares`) before it cuts a tile or reduces blocks, so tiles agree with short heads.
   */
  weights?: SliceWeights;
}

/** The zoomed-out picture: `rows` × `cols` cells, each the maximum of a `block`² token block. */
export interface HeadPicture {
  block: number;
  rows: number;
  cols: number;
  data: Float32Array;
}

/** A tile's place: its first row and column, and its size in tokens. */
export interface TilePlace {
  row: number;
  col: number;
  rows: number;
  cols: number;
}

export class HeadTiles {
  private readonly cache: SliceCache;
  private scaleMemo: { picture: HeadPicture; mode: ScaleMode; scale: ColorScale } | undefined;

  constructor(
    private readonly ask: (runId: number, request: AttentionSliceRequest) => Promise<Float32Array>,
    changed: () => void,
    limit = TILE_CACHE_BYTES,
  ) {
    this.cache = new SliceCache(changed, limit);
  }

  /** Forgets everything (a new result); answers on their way are dropped. */
  clear(): void {
    this.cache.clear();
    this.scaleMemo = undefined;
  }

  /** Bytes held now (bounded by the cache's limit). */
  get heldBytes(): number {
    return this.cache.heldBytes;
  }

  /** The head's zoomed-out picture, asked for the first time; undefined until it arrives. */
  picture(t: TileTarget): HeadPicture | undefined {
    const block = Math.ceil(Math.max(t.n, t.cols) / PICTURE_SIDE);
    const rows = Math.ceil(t.n / block);
    const cols = Math.ceil(t.cols / block);
    const request = {
      ...this.base(t),
      rows: { start: 0, end: t.n },
      block,
      reduce: 'max' as const,
    };
    const data = this.cache.get(`${keyOf(t)}/picture/${block}`, rows * cols, () =>
      this.ask(t.runId, request),
    );
    return data && { block, rows, cols, data };
  }

  /** The tile at `place`, asked for the first time; undefined until it arrives. */
  tile(t: TileTarget, place: TilePlace): Float32Array | undefined {
    const rows = { start: place.row, end: place.row + place.rows };
    const cols = { start: place.col, end: place.col + place.cols };
    return this.cache.get(
      `${keyOf(t)}/tile/${place.row}/${place.col}`,
      place.rows * place.cols,
      () => this.ask(t.runId, { ...this.base(t), rows, cols }),
    );
  }

  /** Query row `row` (all columns), asked for the first time; undefined until it arrives. */
  row(t: TileTarget, row: number): Float32Array | undefined {
    if (row < 0 || row >= t.n) return undefined;
    return this.cache.get(`${keyOf(t)}/row/${row}`, t.cols, () =>
      this.ask(t.runId, { ...this.base(t), rows: [row] }),
    );
  }

  /** Row `row` when it is here already, without asking. */
  peekRow(t: TileTarget, row: number): Float32Array | undefined {
    return this.cache.peek(`${keyOf(t)}/row/${row}`);
  }

  /** Tile `place`'s weights when here already, without asking. */
  peekTile(t: TileTarget, place: TilePlace): Float32Array | undefined {
    return this.cache.peek(`${keyOf(t)}/tile/${place.row}/${place.col}`);
  }

  /** Why the head's picture could not be had, if it could not. */
  errorOf(t: TileTarget): string | undefined {
    const block = Math.ceil(Math.max(t.n, t.cols) / PICTURE_SIDE);
    return this.cache.errorOf(`${keyOf(t)}/picture/${block}`);
  }

  /**
   * The colour scale from the picture: its maximum is the head's; in `row` mode each row
   * takes its block row's maximum (a row's own, when blocks are one token).
   */
  scale(picture: HeadPicture, mode: ScaleMode, n: number): ColorScale {
    const memo = this.scaleMemo;
    if (memo?.picture.data === picture.data && memo.mode === mode) return memo.scale;
    const blockMax = new Float32Array(picture.rows);
    for (let r = 0; r < picture.rows; r++) {
      for (let c = 0; c < picture.cols; c++) {
        blockMax[r] = Math.max(blockMax[r], picture.data[r * picture.cols + c]);
      }
    }
    const max = Math.max(0, ...blockMax) || 1;
    let scale: ColorScale = { mode, max, rowMax: null };
    if (mode === 'unit') scale = { mode, max: 1, rowMax: null };
    if (mode === 'row') {
      const rowMax = new Float32Array(n);
      for (let i = 0; i < n; i++) rowMax[i] = blockMax[Math.floor(i / picture.block)] || 1;
      scale = { mode, max, rowMax };
    }
    this.scaleMemo = { picture, mode, scale };
    return scale;
  }

  private base(t: TileTarget): AttentionSliceRequest {
    const base: AttentionSliceRequest =
      typeof t.head === 'number'
        ? { kind: t.kind, layer: t.layer, heads: [t.head] }
        : { kind: t.kind, layer: t.layer, acrossHeads: t.head };
    return t.weights === 'value-weighted'
      ? { ...base, weights: 'value-weighted', rowShares: true }
      : base;
  }
}

/** The tiles covering rows `[r0, r1)` and columns `[c0, c1)` of an `n × cols` matrix. */
export function tilesCovering(
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  n: number,
  cols: number,
): TilePlace[] {
  const places: TilePlace[] = [];
  for (let row = Math.floor(r0 / TILE) * TILE; row < r1; row += TILE) {
    for (let col = Math.floor(c0 / TILE) * TILE; col < c1; col += TILE) {
      places.push({ row, col, rows: Math.min(TILE, n - row), cols: Math.min(TILE, cols - col) });
    }
  }
  return places;
}

function keyOf(t: TileTarget): string {
  return `${t.runId}/${t.kind}/${t.layer}/${t.head}/${t.weights ?? 'attention'}`;
}
