/**
 * The engine's second sessions over the ids of an inspected text: the steps of chosen heads
 * and the positions probe. Each session is created on first use and kept per folder and
 * variant, beside (not inside) the session that draws attention.
 */
import { EngineRunError } from '../errors';
import { loadModelFolder } from '../folder/loadModelFolder';
import type { ModelFiles } from '../folder/modelFiles';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import type { LoadedModel } from '../inference/loadedModel';
import { Seq2SeqModel } from '../inference/seq2seqModel';
import type { HeadSteps, HeadStepsRequest, PositionsReport } from '../types';
import type { ModelCache } from '../modelCache';
import { probePositions } from './positionsProbe';
import { checkSeq2SeqRequests, Seq2SeqStepsSession } from './seq2seqStepsSession';
import { checkRequests, StepsSession } from './stepsSession';

type AnyModel = LoadedModel | Seq2SeqModel;

/** The positions probe holds every layer's attention, three times: at most this many bytes once. */
const POSITIONS_BYTES = 256 * 2 ** 20;
/** The steps session's N × N outputs, all layers: at most this many bytes. */
const STEPS_BYTES = 1536 * 2 ** 20;

/**
 * Refuses a text whose `matrices` N × N float32 arrays exceed `bytes`, naming the length that
 * fits: these second sessions keep every layer's N × N (unlike inspections, issue 22).
 */
function refuseAbove(bytes: number, matrices: number, tokens: number, what: string): void {
  if (matrices * tokens * tokens * 4 <= bytes) return;
  const most = Math.floor(Math.sqrt(bytes / (4 * matrices)));
  throw new EngineRunError(
    `${what} on at most ${most} tokens for this model; this text has ${tokens}. Inspect a shorter selection to see them.`,
    'badInput',
  );
}

export class EngineSteps {
  constructor(
    private readonly openFolder: (modelDir: string) => ModelFiles,
    /** Where the steps sessions are kept (and released with their model). */
    private readonly cache: ModelCache,
    private readonly loadAnyModel: (modelDir: string, variant?: GraphVariant) => Promise<AnyModel>,
  ) {}

  /** The arithmetic of the requested heads for token ids (special tokens in place). */
  async runSteps(
    modelDir: string,
    ids: readonly number[],
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<HeadSteps[]> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) {
      throw new EngineRunError(
        `${modelDir} is an encoder-decoder model: its steps need the source and the decoder tokens (runSeq2SeqSteps, or inspect with steps).`,
        'badInput',
      );
    }
    await this.checkSteps(modelDir, requests, variant);
    const { layers, heads } = model.info;
    // The steps session keeps every layer's scores, softmax input and probabilities as outputs.
    refuseAbove(STEPS_BYTES, 3 * layers * heads, ids.length, 'Steps are computed');
    const session = this.cache.steps({ modelDir, variant }, () =>
      StepsSession.load(this.openFolder(modelDir), variant),
    );
    return (await session).run(ids, requests);
  }

  /** An encoder-decoder's steps: encoder heads on `sourceIds`, decoder and cross heads on `decoderIds`. */
  async runSeq2SeqSteps(
    modelDir: string,
    sourceIds: readonly number[],
    decoderIds: readonly number[],
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<HeadSteps[]> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (!(model instanceof Seq2SeqModel)) {
      throw new EngineRunError(
        `${modelDir} is not an encoder-decoder model: use runSteps.`,
        'badInput',
      );
    }
    const session = this.cache.seq2seqStepsOf(
      model,
      () => new Seq2SeqStepsSession(this.openFolder(modelDir), model),
    );
    return session.run(sourceIds, decoderIds, requests);
  }

  /** How the model knows order, measured on token ids (the Steps view's Positions panel). */
  async runPositions(
    modelDir: string,
    ids: readonly number[],
    variant?: GraphVariant,
  ): Promise<PositionsReport> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) {
      throw new EngineRunError(
        `Positions are not computed for encoder-decoder models yet (${modelDir}); the encoder, decoder and cross-attention views work without them.`,
        'badInput',
      );
    }
    const { layers, heads } = model.info;
    // The probe compares every layer's full attention with and without positions.
    refuseAbove(POSITIONS_BYTES, layers * heads, ids.length, 'Positions are measured');
    const baseline = (await model.runIds(ids, false)).attentions;
    const folder = await loadModelFolder(this.openFolder(modelDir), variant ? { variant } : {});
    return probePositions(folder, ids, baseline);
  }

  /** Refuses requests for heads the model lacks (before any run). */
  async checkSteps(
    modelDir: string,
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<void> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) return checkSeq2SeqRequests(requests, model);
    const { layers, heads, architecture } = model.folder.manifest;
    checkRequests(requests, layers, heads, architecture);
  }
}
