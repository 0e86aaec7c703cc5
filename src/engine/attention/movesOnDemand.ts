/**
 * What attention moves, computed when a view first asks (issue 24, item 5): a held source
 * carries a `MovesOnDemand` instead of its norms and lens; the first value-weighted slice,
 * head-writes or logit-lens request runs it (a second session over the same weights and the
 * result's ids, inference/whatMovesSession.ts) and the answer is kept on the source.
 */
import { HeadNorms, requireNorms } from './headNorms';
import { type LogitLens, requireLens } from './logitLens';

export interface MovesOnDemand {
  /** Value norms and head writes (L × H × N numbers), computed once. */
  norms(): Promise<HeadNorms | string>;
  /** The logit lens (the residual stream after each layer kept), computed once. */
  lens(): Promise<LogitLens | string>;
}

interface WithMoves {
  norms?: HeadNorms | string;
  lens?: LogitLens | string;
  moves?: MovesOnDemand;
}

/** A source's norms, computed now if they never were; a `badInput` error says why there are none. */
export async function normsOf(source: WithMoves & Parameters<typeof requireNorms>[0]) {
  if (source.norms === undefined && source.moves) source.norms = await source.moves.norms();
  return requireNorms(source);
}

/** A source's lens, computed now if it never was; a `badInput` error says why there is none. */
export async function lensOf(source: WithMoves): Promise<LogitLens> {
  if (source.lens === undefined && source.moves) source.lens = await source.moves.lens();
  return requireLens(source);
}

/** The norms if they are there now (nothing is computed): what an overview's writes read. */
export function normsIfHeld(source: WithMoves): HeadNorms | undefined {
  return source.norms instanceof HeadNorms ? source.norms : undefined;
}
