/**
 * A held run's next-token predictions (issue 22). Where the final norm and unembedding could
 * be copied (graph/logitLensGraph.ts `addPredictionRows`) the run keeps only the last residual
 * stream, `[N, D]`, and a read puts the asked rows through that copy in the model's own
 * session; the LM head over every position (a fifth of a small model's forward pass, N × vocab
 * floats) is then never computed unless an export asks for every row. Otherwise the run
 * computed every row's top k, and they are kept as they came.
 */
import { asFloat32, type OutputTensor } from '../attention/extractAttention';
import type { NextTokens } from '../attention/attentionSource';
import type { LogitLensOutputs } from '../graph/logitLensGraph';
import { EngineRunError } from '../errors';
import type { Prediction } from '../types';
import { makeFeeds } from './graphFeeds';
import type { FeedSpec } from '../folder/feedPlan';
import type { InferenceSession } from './ortRuntime';
import { runLensRows } from './lensRun';
import { toPredictions } from './predictionGraph';

/** Logits one read may hold in the WASM heap (64 MiB of float32); rows per read follow from the vocabulary. */
const READ_LOGITS = 2 ** 24;

/** Reads `count` rows of `[count, D]` residual stream: per row the top `k`. */
export type RowRead = (rows: Float32Array, count: number, k: number) => Promise<Prediction[][]>;

/** Every row's predictions, computed by the run (the final norm could not be copied). */
export class PredictionTable implements NextTokens {
  constructor(private readonly table: readonly Prediction[][]) {}

  async rows(rows: readonly number[], k: number): Promise<Prediction[][]> {
    return rows.map((row) => this.table[row].slice(0, k));
  }
}

/** The last residual stream of a run, read through the final norm and unembedding when asked. */
export class FinalStreamPredictions implements NextTokens {
  readonly bytes: number;

  constructor(
    /** `[positions, D]`. */
    private readonly stream: Float32Array,
    private readonly positions: number,
    private readonly vocab: number,
    private readonly read: RowRead,
  ) {
    this.bytes = stream.byteLength;
  }

  async rows(rows: readonly number[], k: number): Promise<Prediction[][]> {
    const d = this.stream.length / this.positions;
    const perRead = Math.max(1, Math.floor(READ_LOGITS / this.vocab));
    const out: Prediction[][] = [];
    for (let at = 0; at < rows.length; at += perRead) {
      const some = rows.slice(at, at + perRead);
      const fed = new Float32Array(some.length * d);
      some.forEach((row, i) => {
        fed.set(this.stream.subarray(row * d, (row + 1) * d), i * d);
      });
      out.push(...(await this.read(fed, some.length, k)));
    }
    return out;
  }
}

/** What reading rows needs of a loaded model. */
export interface RowReadModel {
  session: InferenceSession;
  feeds: readonly FeedSpec[];
  outputs: LogitLensOutputs;
  spell: (id: number) => string;
  /** Named when the logits hold NaN. */
  source: { label: string; graphFile: string };
}

/** Predictions read per asked row from a run's last residual stream (`output`, over `ids`). */
export function readByRow(
  model: RowReadModel,
  vocab: number,
  output: OutputTensor | undefined,
  ids: readonly number[],
): FinalStreamPredictions {
  const stream = finalStream(output, ids.length);
  if (!stream) {
    throw new EngineRunError(
      `${model.source.graphFile} did not return its last residual stream for ${ids.length} tokens, so its next-token predictions cannot be read.`,
      'error',
    );
  }
  return new FinalStreamPredictions(stream, ids.length, vocab, rowRead(model, vocab, ids[0]));
}

/**
 * Reads rows in the model's session. onnxruntime runs every node of the graph on each run, so
 * the model's own inputs are fed a one-token stand-in: the rest of the model costs one token.
 */
function rowRead(model: RowReadModel, vocab: number, firstId: number): RowRead {
  const standIn = makeFeeds(model.feeds, [firstId]);
  return async (rows, count, k) => {
    const { session, outputs, spell, source } = model;
    const read = await runLensRows(session, standIn, outputs, vocab, rows, count, k);
    return toPredictions(read.probs, read.ids, count, read.kept, spell, source);
  };
}

/** The run's last residual stream as `[N, D]`, or undefined when it did not come back whole. */
function finalStream(
  output: OutputTensor | undefined,
  positions: number,
): Float32Array | undefined {
  const stream = output ? asFloat32(output) : undefined;
  return stream && stream.length > 0 && stream.length % positions === 0 ? stream : undefined;
}

/** Every row's top `k` (a full result, an export): undefined where the model predicts nothing. */
export function everyRow(
  predictions: NextTokens | undefined,
  positions: number,
  k: number,
): Promise<Prediction[][]> | undefined {
  return predictions?.rows(
    Array.from({ length: positions }, (_, row) => row),
    k,
  );
}
