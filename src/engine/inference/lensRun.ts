/**
 * Running the logit lens the graph holds (graph/logitLensGraph.ts) in the model's own
 * session (issue 24): the inspection's run fetches the residual stream after each layer and
 * feeds the lens a dummy row; a lens read later feeds the focused position's rows and a
 * one-token stand-in for the model's inputs, fetching only the lens outputs.
 */
import { asFloat32, type OutputTensor } from '../attention/extractAttention';
import { type LensReader, LogitLens } from '../attention/logitLens';
import type { LogitLensOutputs } from '../graph/logitLensGraph';
import { type InferenceSession, Tensor } from './ortRuntime';

/** What an inspection's run feeds the lens inputs (the graph declares them, so they are fed). */
export function idleLensFeeds(lens: LogitLensOutputs, hidden: number): Record<string, Tensor> {
  return {
    [lens.input]: new Tensor('float32', new Float32Array(hidden), [1, 1, hidden]),
    [lens.k]: new Tensor('int64', BigInt64Array.of(1n), [1]),
  };
}

/** The lens of one run, or why there is none. */
export function lensOfRun(
  outputs: Record<string, OutputTensor>,
  lens: LogitLensOutputs,
  positions: number,
  read: LensReader,
  spell: (id: number) => string,
): LogitLens | string {
  const streams = lens.streams.map((name) =>
    outputs[name] ? asFloat32(outputs[name]) : undefined,
  );
  if (streams.some((s) => !s || s.length % positions !== 0)) {
    return 'the graph did not return the residual stream after each layer';
  }
  return new LogitLens(streams as Float32Array[], positions, read, spell);
}

/** One run of the lens copy over `count` fed rows: per row the top `kept` as the graph returns them. */
export async function runLensRows(
  session: InferenceSession,
  baseFeeds: Record<string, Tensor>,
  lens: LogitLensOutputs,
  vocab: number,
  rows: Float32Array,
  count: number,
  k: number,
): Promise<{ probs: Float32Array; ids: BigInt64Array; kept: number }> {
  const kept = Math.max(1, Math.min(k, vocab));
  const d = rows.length / count;
  const feeds = {
    ...baseFeeds,
    [lens.input]: new Tensor('float32', rows, [1, count, d]),
    [lens.k]: new Tensor('int64', BigInt64Array.of(BigInt(kept)), [1]),
  };
  const outputs = await session.run(feeds, [lens.probs, lens.ids]);
  const probs = asFloat32(outputs[lens.probs]) as Float32Array;
  return { probs, ids: outputs[lens.ids].data as BigInt64Array, kept };
}

/** A reader over `session`: `baseFeeds` stand in for the model's own inputs (one token). */
export function lensReader(
  session: InferenceSession,
  baseFeeds: Record<string, Tensor>,
  lens: LogitLensOutputs,
  vocab: number,
): LensReader {
  return async (rows, count, k) => {
    const { probs, ids, kept } = await runLensRows(session, baseFeeds, lens, vocab, rows, count, k);
    const rowsOf = <T>(value: (i: number) => T) =>
      Array.from({ length: count }, (_, r) =>
        Array.from({ length: kept }, (_, j) => value(r * kept + j)),
      );
    return { ids: rowsOf((i) => Number(ids[i])), probs: rowsOf((i) => probs[i]) };
  };
}
