/**
 * What the what-moves session's run (whatMovesSession.ts) fetches besides nothing else: the
 * head norms (readHeadNorms.ts) and, when the lens is asked for, a decoder's residual
 * streams (lensRun.ts); and how they are read into norms and a lens.
 */
import type { OutputTensor } from '../attention/extractAttention';
import type { HeadNorms } from '../attention/headNorms';
import type { LogitLens } from '../attention/logitLens';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { AttentionStack } from '../types';
import { idleLensFeeds, lensOfRun, lensReader } from './lensRun';
import type { InferenceSession, Tensor } from './ortRuntime';
import { normFetches, readHeadNorms } from './readHeadNorms';

export type Extras = Pick<LoadedModelFolder, 'normOutputs' | 'lensOutputs' | 'manifest'>;

/** Why a graph has no norms when the load left no reason. */
export const NO_PROJECTION =
  'the output projection after the heads are merged (a MatMul or Gemm with constant weights, or a 4-bit MatMulNBits or MatMulBnb4 as ONNX Runtime runs it) was not found in the graph';

/** Adds the norms' fetches, the lens inputs' idle feeds and (with `streams`) the lens's fetches. */
export function addExtras(
  folder: Extras,
  feeds: Record<string, Tensor>,
  fetches: string[],
  streams: boolean,
): void {
  if (typeof folder.normOutputs === 'object') fetches.push(...normFetches(folder.normOutputs));
  const lens = folder.lensOutputs;
  if (typeof lens === 'object') {
    Object.assign(feeds, idleLensFeeds(lens, folder.manifest.hiddenSize));
    if (streams) fetches.push(...lens.streams);
  }
}

/** The norms read from a run's outputs, or why there are none. */
export function normsOfRun(
  outputs: Record<string, OutputTensor>,
  folder: Extras,
  stack: AttentionStack,
): HeadNorms | string {
  return typeof folder.normOutputs === 'object'
    ? readHeadNorms(outputs, folder.normOutputs, stack)
    : (folder.normOutputs ?? NO_PROJECTION);
}

/** The lens of a run that fetched the streams, or why there is none. */
export function lensOfOutputs(
  outputs: Record<string, OutputTensor>,
  folder: Extras,
  stack: AttentionStack,
  /** The session a lens read runs in, and a one-token stand-in for the model's inputs. */
  lensRun: { session: InferenceSession; feeds: Record<string, Tensor> },
  spell: (id: number) => string,
): LogitLens | string {
  const lens = folder.lensOutputs;
  if (typeof lens !== 'object') {
    return lens ?? 'it reads next-token predictions, which an encoder does not make';
  }
  const reader = lensReader(lensRun.session, lensRun.feeds, lens, folder.manifest.vocabSize);
  return lensOfRun(outputs, lens, stack.rows, reader, spell);
}
