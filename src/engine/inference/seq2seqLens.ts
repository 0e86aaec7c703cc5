/**
 * The logit lens of an encoder-decoder's decoder (issue 24): the decoder graph of the norms
 * session (seq2seqWhatMoves.ts) gets the lens nodes of a decoder-only graph
 * (graph/logitLensGraph.ts: the decoder's own final norm, scaling and unembedding copied,
 * T5's RMSNorm or, post-norm, Marian's unembedding and final_logits_bias after each layer's
 * LayerNorm, graph/postNormLens.ts), read from the residual stream each decoder layer's
 * self-attention joins. One run over the decoder ids keeps the streams; a focused position's
 * L rows are then read with a one-token stand-in for the decoder's inputs.
 */
import type { LogitLens } from '../attention/logitLens';
import type { HeadNormPlan } from '../graph/exposeHeadNorms';
import { addLogitLens, type LogitLensOutputs } from '../graph/logitLensGraph';
import type { onnx } from 'onnx-proto';
import { idleLensFeeds, lensOfRun, lensReader } from './lensRun';
import type { InferenceSession, Tensor } from './ortRuntime';

/** Adds the lens to the decoder graph `model`, or says why it has none (then `model` is untouched). */
export function addDecoderLens(
  model: onnx.IModelProto,
  plans: readonly HeadNormPlan[] | undefined,
  cross: readonly boolean[],
  logits: string,
): LogitLensOutputs | string {
  if (!plans) {
    return 'the residual stream between layers was not found (no output projection after the heads)';
  }
  const self = plans.filter((_, i) => !cross[i]);
  return addLogitLens(
    model,
    self.map((p) => p.projection.residual),
    logits,
  );
}

/** What one decoder lens needs: the session and lens, and the decoder's feeds. */
export interface DecoderLensRun {
  session: InferenceSession;
  lens: LogitLensOutputs;
  /** The full pass's feeds (the decoder ids with the encoder's output). */
  feeds: Record<string, Tensor>;
  /** A one-token stand-in for the decoder's inputs, fed with each lens read. */
  standIn: Record<string, Tensor>;
  positions: number;
  hidden: number;
  vocab: number;
  spell: (id: number) => string;
}

/** Runs the decoder keeping each layer's residual stream: its lens, or why there is none. */
export async function decoderLens(run: DecoderLensRun): Promise<LogitLens | string> {
  const { session, lens } = run;
  const outputs = await session.run(
    { ...run.feeds, ...idleLensFeeds(lens, run.hidden) },
    lens.streams,
  );
  const reader = lensReader(session, run.standIn, lens, run.vocab);
  return lensOfRun(outputs, lens, run.positions, reader, run.spell);
}
