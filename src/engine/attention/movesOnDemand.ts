/**
 * What attention moves, computed when a view first asks (issue 24, item 5): a held source
 * carries a `MovesOnDemand` instead of its norms and lens; the first value-weighted slice,
 * head-writes or logit-lens request runs it (a second session over the same weights and the
 * result's ids, inference/whatMovesSession.ts) and the answer is kept on the source.
 */
import { HeadNorms, type NormPart, requireNorms } from './headNorms';
import { type LogitLens, requireLens } from './logitLens';

export interface MovesOnDemand {
  /** Value norms and head writes (L × H × N numbers), computed once. */
  norms(): Promise<HeadNorms | string>;
  /** The logit lens (the residual stream after each layer kept), computed once. */
  lens(): Promise<LogitLens | string>;
  /**
   * One layer's part of the norms, where the run held what they are computed from (its values,
   * inference/heldValueNorms.ts): the norms, filled that far, or why there are none.
   */
  layer?(layer: number, part: NormPart, heads?: readonly number[]): Promise<HeadNorms | string>;
  /**
   * The next small piece of the norms worth computing while nobody waits (the worker runs it
   * at the lowest priority); undefined when none is left or none is done in the background.
   */
  background?(): (() => Promise<void>) | undefined;
}

/** What a request needs of the norms: one layer's part; absent, all of them. */
export interface NormNeed {
  layer: number;
  part: NormPart;
  /** The values of these heads only (absent: every head). */
  heads?: readonly number[];
}

interface WithMoves {
  norms?: HeadNorms | string;
  lens?: LogitLens | string;
  moves?: MovesOnDemand;
}

/** A source's norms, computed now if they never were; a `badInput` error says why there are none. */
export async function normsOf(
  source: WithMoves & Parameters<typeof requireNorms>[0],
  need?: NormNeed,
) {
  const { norms, moves } = source;
  const there =
    norms instanceof HeadNorms &&
    (need ? norms.has(need.layer, need.part, need.heads) : norms.complete);
  if (moves && !there && typeof norms !== 'string') {
    source.norms =
      need && moves.layer
        ? await moves.layer(need.layer, need.part, need.heads)
        : await moves.norms();
  }
  return requireNorms(source);
}

/** A source's lens, computed now if it never was; a `badInput` error says why there is none. */
export async function lensOf(source: WithMoves): Promise<LogitLens> {
  if (source.lens === undefined && source.moves) source.lens = await source.moves.lens();
  return requireLens(source);
}

/**
 * Layer `layer`'s writes once a view has asked for any norms (what an overview's writes read):
 * from held values they are computed now, a layer at a time; otherwise only if they are there.
 */
export async function writesOnceAsked(
  source: WithMoves & Parameters<typeof requireNorms>[0],
  layer: number,
): Promise<HeadNorms | undefined> {
  const { norms, moves } = source;
  if (!(norms instanceof HeadNorms)) return undefined;
  if (norms.has(layer, 'writes')) return norms;
  return moves?.layer ? normsOf(source, { layer, part: 'writes' }) : undefined;
}
