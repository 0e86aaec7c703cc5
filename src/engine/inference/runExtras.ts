/**
 * What an inspection's run fetches besides attention and predictions (issue 24): the head
 * norms (readHeadNorms.ts) and a decoder's residual streams for the logit lens
 * (lensRun.ts), and how they are attached to the run's attention source.
 */
import type { AttentionSource } from '../attention/attentionSource';
import type { OutputTensor } from '../attention/extractAttention';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { AttentionStack } from '../types';
import { idleLensFeeds, lensOfRun, lensReader } from './lensRun';
import type { InferenceSession, Tensor } from './ortRuntime';
import { normFetches, readHeadNorms } from './readHeadNorms';

type Extras = Pick<LoadedModelFolder, 'normOutputs' | 'lensOutputs' | 'manifest'>;

const vocabOf = (folder: Extras) => folder.manifest.vocabSize;

/** Adds the extras' fetches, and the lens inputs' idle feeds, to a run. */
export function addExtras(
  folder: Extras,
  feeds: Record<string, Tensor>,
  fetches: string[],
  hidden: number,
): void {
  if (typeof folder.normOutputs === 'object') fetches.push(...normFetches(folder.normOutputs));
  const lens = folder.lensOutputs;
  if (typeof lens === 'object') {
    Object.assign(feeds, idleLensFeeds(lens, hidden));
    fetches.push(...lens.streams);
  }
}

/** Reads the extras from a run's outputs into `source` (each, or the reason it is missing). */
export function attachExtras(
  source: AttentionSource,
  outputs: Record<string, OutputTensor>,
  folder: Extras,
  stack: AttentionStack,
  /** The session a lens read runs in, and a one-token stand-in for the model's inputs. */
  lensRun: { session: InferenceSession; feeds: Record<string, Tensor> },
  spell: (id: number) => string,
): void {
  source.norms =
    typeof folder.normOutputs === 'object'
      ? readHeadNorms(outputs, folder.normOutputs, stack)
      : (folder.normOutputs ??
        'the output projection after the heads are merged (a MatMul or Gemm with constant weights) was not found in the graph');
  const lens = folder.lensOutputs;
  if (typeof lens === 'object') {
    const reader = lensReader(lensRun.session, lensRun.feeds, lens, vocabOf(folder));
    source.lens = lensOfRun(outputs, lens, stack.rows, reader, spell);
  } else if (lens !== undefined) source.lens = lens;
}
