/**
 * The results whose attention stays in the engine (issue 22). Views, hovers and exports ask
 * for what they show by result id: a slice of heads and rows, or a layer's overview
 * (thumbnails and head summaries). The newest results are kept within a count and a memory
 * budget; a slice of an older one fails with code `released`, so a panel left open on it
 * can say so.
 */
import { EngineRunError } from '../errors';
import type {
  AttentionKind,
  AttentionSliceRequest,
  AttentionStack,
  HeadWrites,
  HeldResult,
  LayerOverview,
  LogitLensLayer,
  Prediction,
  SliceWeights,
  ThumbnailUnits,
} from '../types';
import { type AcrossHeads, checkAcrossHeads, combineHeads } from './acrossHeads';
import { lensOf, normsOf, writesOnceAsked } from './movesOnDemand';
import type { AttentionSource } from './attentionSource';
import { layerOverview, type StackQueries } from './layerOverview';
import { type SliceShape, shapeSlice, sliceShapeOf } from './sliceShape';
import { checkUnits, unitThumbnailsOf } from './unitThumbnails';
import { toRowShares, valueWeightedOverview } from './valueWeightedOverview';

/**
 * Results kept at once, at most: a panel per document, each with its result and the one
 * before it. Small models' results weigh kilobytes, so the count is what bounds them.
 */
export const HELD_RESULTS = 16;

/**
 * Bytes of attention sources kept at once, beyond the newest result (always kept): two
 * 2,048-token results of a 30-layer model (270 MiB each) fit, a third replaces the oldest.
 */
export const HELD_BYTES = 768 * 2 ** 20;

/** Per stack: the source of its matrices and, for self-attention, the query ids for induction. */
export interface HeldStack {
  source: AttentionSource;
  /** The stack's query token ids and which of them take no part (special tokens). */
  queries?: StackQueries;
}

interface Held {
  meta: HeldResult;
  stacks: Map<AttentionKind, HeldStack>;
  overviews: Map<string, Promise<LayerOverview>>;
}

export class HeldResults {
  private readonly held = new Map<number, Held>();
  private nextId = 1;

  constructor(
    private readonly keep = HELD_RESULTS,
    private readonly keepBytes = HELD_BYTES,
  ) {}

  /** Keeps a result's stacks; the oldest results beyond the count or the bytes are dropped. */
  hold(meta: Omit<HeldResult, 'resultId' | 'stacks'>, stacks: HeldStack[]): HeldResult {
    const resultId = this.nextId++;
    const full: HeldResult = { ...meta, resultId, stacks: stacks.map((s) => s.source.stack) };
    this.held.set(resultId, {
      meta: full,
      stacks: new Map(stacks.map((s) => [s.source.stack.kind, s])),
      overviews: new Map(),
    });
    for (const id of this.held.keys()) {
      if (this.held.size <= 1) break;
      if (this.held.size <= this.keep && this.bytes <= this.keepBytes) break;
      this.held.delete(id);
    }
    return full;
  }

  release(resultId: number): void {
    this.held.delete(resultId);
  }

  /** The next piece of a held result's norms to compute while nobody waits; none once it is released. */
  backgroundTask(resultId: number): (() => Promise<void>) | undefined {
    for (const { source } of this.held.get(resultId)?.stacks.values() ?? []) {
      const task = source.moves?.background?.();
      if (task) return task;
    }
    return undefined;
  }

  /** Bytes of attention the held results keep alive. */
  get bytes(): number {
    let sum = 0;
    for (const { stacks } of this.held.values()) {
      for (const { source } of stacks.values()) sum += source.bytes;
    }
    return sum;
  }

  /** `[heads, rows, cols]` of the request, a new array. */
  async slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    const { source } = this.stackOf(resultId, request.kind);
    const { stack } = source;
    checkLayer(stack, request.layer);
    const heads = request.heads ?? range(0, stack.heads);
    for (const head of heads) {
      if (!Number.isInteger(head) || head < 0 || head >= stack.heads) {
        throw badInput(`there is no head ${head} (heads 0–${stack.heads - 1})`);
      }
    }
    const rows = rowsOf(stack, request.rows);
    const valueWeighted = request.weights === 'value-weighted';
    const norms = valueWeighted
      ? await normsOf(source, { layer: request.layer, part: 'values', heads })
      : undefined;
    // Whole rows first: value weights multiply every key column, before a tile is cut.
    const readHeads = async (some: readonly number[], these: readonly number[]) => {
      const weights = await source.slice(request.layer, these, some);
      norms?.valueWeight(request.layer, these, some.length, weights);
      return request.rowShares ? toRowShares(weights, stack.cols) : weights;
    };
    const across = request.acrossHeads && acrossHeadsOf(request.acrossHeads);
    const read = across
      ? (some: readonly number[]) =>
          combineHeads((h) => readHeads(some, [h]), heads, some.length * stack.cols, across)
      : (some: readonly number[]) => readHeads(some, heads);
    if (request.cols === undefined && request.block === undefined) return read(rows);
    let shape: SliceShape;
    try {
      shape = sliceShapeOf(request, stack.cols);
    } catch (error) {
      throw badInput((error as Error).message);
    }
    return shapeSlice(read, across ? 1 : heads.length, rows, stack.cols, shape);
  }

  /** The logit lens at `position` of a decoder's result (issue 24): per layer the top `k`; an encoder-decoder's at a decoder token. */
  async logitLens(resultId: number, position: number, k: number): Promise<LogitLensLayer[]> {
    // An encoder-decoder's predictions are its decoder's: positions are decoder tokens.
    const seq2seq = this.heldOf(resultId).stacks.has('decoder');
    const { source } = this.stackOf(resultId, seq2seq ? 'decoder' : 'encoder');
    if (!Number.isInteger(position) || position < 0 || position >= source.stack.rows) {
      throw badInput(`there is no position ${position} (0–${source.stack.rows - 1})`);
    }
    return (await lensOf(source)).at(position, k);
  }

  /** A decoder's next-token predictions at `rows` (issue 22): per row the top `k`. */
  async predictions(resultId: number, rows: readonly number[], k: number): Promise<Prediction[][]> {
    const { source } = this.stackOf(resultId, 'encoder');
    if (!source.predictions) throw badInput('this model makes no next-token predictions');
    for (const row of rows) {
      if (!Number.isInteger(row) || row < 0 || row >= source.stack.rows) {
        throw badInput(`there is no position ${row} (0–${source.stack.rows - 1})`);
      }
    }
    if (!Number.isInteger(k) || k < 1) throw badInput(`k must be a whole number ≥ 1, not ${k}`);
    return source.predictions.rows(rows, k);
  }

  /** One layer's value norms and head writes (issue 24). */
  async headWrites(resultId: number, kind: AttentionKind, layer: number): Promise<HeadWrites> {
    const { source } = this.stackOf(resultId, kind);
    checkLayer(source.stack, layer);
    return (await normsOf(source, { layer, part: 'writes' })).writesOf(layer);
  }

  /**
   * Thumbnails and head summaries of one layer, computed once per held result; with `units`
   * (self-attention only), thumbnails of the layer as a view groups its tokens; with
   * `weights` value-weighted, thumbnails of value-weighted row shares (issue 24).
   */
  async overview(
    resultId: number,
    kind: AttentionKind,
    layer: number,
    units?: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview> {
    const held = this.heldOf(resultId);
    const stack = this.stackOf(resultId, kind);
    checkLayer(stack.source.stack, layer);
    if (units) return this.unitOverview(resultId, stack, layer, units, weights);
    const weighted = weights === 'value-weighted';
    const key = weighted ? `${kind}/${layer}/value-weighted` : `${kind}/${layer}`;
    let overview = held.overviews.get(key);
    if (!overview) {
      overview = weighted
        ? this.overview(resultId, kind, layer).then((plain) =>
            valueWeightedOverview((r) => this.slice(resultId, r), stack.source.stack, plain),
          )
        : layerOverview(stack.source, layer, stack.queries);
      held.overviews.set(key, overview);
      overview.catch(() => held.overviews.delete(key));
    }
    const answer = await overview;
    // The writes are there once a view asked for the norms (computed on demand, issue 24; a
    // value-weighted overview has just asked for them).
    const norms = await writesOnceAsked(stack.source, layer);
    return norms ? { ...answer, writes: norms.meanWrites(layer) } : answer;
  }

  private async unitOverview(
    resultId: number,
    held: HeldStack,
    layer: number,
    units: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview> {
    const { kind, heads, rows, cols } = held.source.stack;
    let count: number;
    try {
      if (kind === 'cross' || rows !== cols) throw new Error('cross-attention has no word units');
      count = checkUnits(units, rows);
    } catch (error) {
      throw new EngineRunError(`Overview refused: ${(error as Error).message}.`, 'badInput');
    }
    const plain = await this.overview(resultId, kind, layer);
    if (weights === 'value-weighted') {
      const slice = (r: AttentionSliceRequest) => this.slice(resultId, r);
      return valueWeightedOverview(slice, held.source.stack, plain, { units, count });
    }
    const layerWeights = await held.source.slice(layer, range(0, heads), range(0, rows));
    const thumbnails = unitThumbnailsOf(layerWeights, heads, rows, units, count);
    return { kind, layer, ...thumbnails, summaries: plain.summaries };
  }

  private heldOf(resultId: number): Held {
    const held = this.held.get(resultId);
    if (!held) {
      throw new EngineRunError(
        'This result is no longer held by the engine (a newer inspection replaced it): run the inspection again.',
        'released',
      );
    }
    return held;
  }

  private stackOf(resultId: number, kind: AttentionKind): HeldStack {
    const stack = this.heldOf(resultId).stacks.get(kind);
    if (!stack) throw badInput(`this result has no ${kind} attention`);
    return stack;
  }
}

function rowsOf(stack: AttentionStack, rows: AttentionSliceRequest['rows']): number[] {
  if (rows === undefined) return range(0, stack.rows);
  const list = Array.isArray(rows) ? rows : range(rows.start, rows.end);
  for (const row of list) {
    if (!Number.isInteger(row) || row < 0 || row >= stack.rows) {
      throw badInput(`there is no row ${row} (rows 0–${stack.rows - 1})`);
    }
  }
  return list;
}

function acrossHeadsOf(across: unknown): AcrossHeads {
  try {
    return checkAcrossHeads(across);
  } catch (error) {
    throw badInput((error as Error).message);
  }
}

function checkLayer(stack: AttentionStack, layer: number): void {
  if (!Number.isInteger(layer) || layer < 0 || layer >= stack.layers) {
    throw badInput(`there is no ${stack.kind} layer ${layer} (layers 0–${stack.layers - 1})`);
  }
}

function badInput(what: string): EngineRunError {
  return new EngineRunError(`Attention slice refused: ${what}.`, 'badInput');
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}
