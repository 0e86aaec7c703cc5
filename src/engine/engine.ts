/**
 * The engine: text → tokens with source offsets → one ONNX Runtime run → per-layer,
 * per-head attention. Imports neither `vscode` nor the DOM, so the worker, the CLI, the
 * evaluation scripts and the tests all share it.
 *
 *   const engine = new Engine(nodeModelFiles);
 *   const result = await engine.inspect('models/mini-code-gpt', 'def f(x): return x');
 *   const { attentions, logits } = await (await engine.loadModel(dir)).runIds([0, 17, 42]);
 */
import { HeldResults } from './attention/heldResults';
import { type HeadScanOptions, HeadScans } from './heads/headScans';
import { holdInspection } from './attention/holdInspection';
import { EngineSteps } from './steps/engineSteps';
import { EngineRunError, nothingToInspect } from './errors';
import { enterStage } from './stage';
import type { ModelFiles } from './folder/modelFiles';
import type { GraphVariant } from './folder/onnxGraphFiles';
import { inspectSeq2Seq } from './inference/inspectSeq2Seq';
import { seq2seqMoves } from './inference/seq2seqWhatMoves';
import type { LoadedModel } from './inference/loadedModel';
import { type LoadChoices, loadAnyModel, loadKeptWhole } from './inference/loadAnyModel';
import { type SingleInspection, wholeResult } from './inference/inspectSingle';
import { inspectText } from './inference/inspectGenerated';
import { releaseGenerationSessions } from './inference/generationSessions';
import { RecomputeMismatch } from './inference/recomputeRun';
import { ModelCache, type ModelRef } from './modelCache';
import type { Surface } from './surface';
import { Seq2SeqModel } from './inference/seq2seqModel';
import type {
  AttentionKind,
  AttentionSliceRequest,
  GenerationRequest,
  HeadSteps,
  HeadStepsRequest,
  HeldResult,
  InspectResult,
  LayerOverview,
  PositionsReport,
  TargetRequest,
  SliceWeights,
  ThumbnailUnits,
} from './types';

/** Options of one inspection. */
export interface InspectOptions {
  /** Inspect at most this many tokens, special tokens included; capped by the model. */
  maxTokens?: number;
  /** Next-token predictions kept per position (decoders with logits); default `DEFAULT_TOP_PREDICTIONS`. */
  topK?: number;
  /** Polled between stages; a true answer ends the run with `EngineRunError('cancelled')`. */
  isCancelled?: () => boolean;
  /** Graph variant to run when the folder has several (docs/model-format.md). */
  variant?: GraphVariant;
  /** Encoder-decoder models: the decoder's tokens; default `DEFAULT_TARGET` (types.ts). */
  target?: TargetRequest;
  /** Heads whose arithmetic to return (`InspectResult.steps`); runs a second session. */
  steps?: readonly HeadStepsRequest[];
  /** Decoders: continue the text, inspect text + continuation (`InspectResult.generation`). */
  generate?: GenerationRequest;
  onGenerated?: (made: number, total: number) => void;
}

export class Engine {
  /** The sessions kept between runs (and released when other models took their place). */
  private readonly cache: ModelCache;
  private readonly steps: EngineSteps;
  private readonly held = new HeldResults();
  private readonly headScans = new HeadScans();

  constructor(
    private readonly openFolder: (modelDir: string) => ModelFiles,
    /** Who the engine serves: its advice names that surface's flags or settings. */
    private readonly surface: Surface = 'cli',
    /** Models kept loaded; beyond it the least recently used is released (modelCache.ts). */
    maxLoadedModels = Number.POSITIVE_INFINITY,
    private readonly loading: LoadChoices = { whatMoves: true },
  ) {
    this.cache = new ModelCache(maxLoadedModels);
    this.steps = new EngineSteps(openFolder, this.cache, (dir, variant) =>
      this.loadAnyModel(dir, variant),
    );
  }

  /** A single-graph model (decoder or encoder), for runs over token ids. */
  async loadModel(modelDir: string, variant?: GraphVariant): Promise<LoadedModel> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) {
      throw new EngineRunError(
        `${modelDir} is an encoder-decoder model: inspect it with a text (and a target), not token ids.`,
        'badInput',
      );
    }
    return model;
  }

  /** Loads (once per folder and variant) and validates a model folder of any kind. */
  loadAnyModel(modelDir: string, variant?: GraphVariant): Promise<LoadedModel | Seq2SeqModel> {
    return this.cache.model({ modelDir, variant }, () => this.load(modelDir, variant));
  }

  /**
   * Releases every loaded model (and its steps sessions) but `keep`'s: the host calls it when
   * the user selects another model. Models load again when asked for. Not while a run of
   * theirs is in flight (the worker gives every request its turn).
   */
  async evict(keep?: ModelRef): Promise<void> {
    await releaseGenerationSessions();
    await Promise.all([this.cache.evict(keep), this.headScans.release()]);
  }

  /** A head scan (issue 25): add files to it, then read its ranking (heads/headScan.ts). */
  async startHeadScan(modelDir: string, options: HeadScanOptions, variant?: GraphVariant) {
    const model = await this.loadModel(modelDir, variant);
    return this.headScans.start(model, this.openFolder(modelDir), options, variant);
  }

  /** The folders and variants loaded now, least recently used first. */
  loadedModels(): ModelRef[] {
    return this.cache.loaded();
  }

  async inspect(
    modelDir: string,
    text: string,
    options: InspectOptions = {},
  ): Promise<InspectResult> {
    const run = await this.run(modelDir, text, options);
    return 'result' in run ? run.result : wholeResult(run);
  }

  /**
   * Like `inspect`, but the attention stays here (issue 22): the answer has no tensors;
   * `slice` and `overview` give what a view, a hover or an export shows.
   */
  async inspectHeld(
    modelDir: string,
    text: string,
    options: InspectOptions = {},
  ): Promise<HeldResult> {
    const run = await this.run(modelDir, text, options);
    if ('result' in run) {
      const model = await this.loadAnyModel(modelDir, options.variant);
      return holdInspection(this.held, run.result, seq2seqMoves(model, run.result));
    }
    const { tokens } = run.meta;
    return this.held.hold(run.meta, [
      {
        source: run.source,
        queries: { ids: tokens.map((t) => t.id), skip: tokens.map((t) => t.start === t.end) },
      },
    ]);
  }

  /** What `inspect` and `inspectHeld` share: an encoder-decoder's whole result, or a single graph's source. */
  private async run(
    modelDir: string,
    text: string,
    options: InspectOptions,
  ): Promise<{ result: InspectResult } | SingleInspection> {
    const started = now();
    if (text.trim() === '') throw nothingToInspect();
    const model = await this.loadAnyModel(modelDir, options.variant);
    const { steps: wanted, variant } = options;
    if (wanted?.length) await this.steps.checkSteps(modelDir, wanted, variant);
    const loadMs = now() - started;
    const checkCancelled = (): void => {
      if (options.isCancelled?.()) throw new EngineRunError('Inspection cancelled.', 'cancelled');
    };
    checkCancelled();
    enterStage({
      label: `tokenizer.json: tokenizing ${text.length} characters`,
      kind: 'text',
      tokens: text.length,
    });
    const common = { text, maxTokens: options.maxTokens, checkCancelled, started, loadMs };
    if (model instanceof Seq2SeqModel) {
      const result = await inspectSeq2Seq(model, {
        ...common,
        target: options.target,
        surface: this.surface,
      });
      if (!wanted?.length || !result.seq2seq) return { result };
      const sourceIds = result.tokens.map((t) => t.id);
      const decoderIds = result.seq2seq.decoderTokens.map((t) => t.id);
      const steps = await this.runSeq2SeqSteps(modelDir, sourceIds, decoderIds, wanted, variant);
      return { result: { ...result, steps } };
    }
    const run = {
      ...common,
      topK: options.topK,
      surface: this.surface,
      ...(wanted?.length
        ? { steps: (ids: number[]) => this.runSteps(modelDir, ids, wanted, variant) }
        : {}),
    };
    const inspectOnce = (loaded: LoadedModel) =>
      inspectText(loaded, run, options, () => this.openFolder(modelDir));
    try {
      return await inspectOnce(model);
    } catch (error) {
      if (!(error instanceof RecomputeMismatch)) throw error;
      return inspectOnce(await this.keepWhole(modelDir, variant, error));
    }
  }

  /**
   * Reloads a model whose attention the engine cannot recompute so that its runs return
   * every layer's probabilities (bounded by memory, as before issue 22).
   */
  private keepWhole(
    modelDir: string,
    variant: GraphVariant | undefined,
    why: RecomputeMismatch,
  ): Promise<LoadedModel> {
    return this.cache.replace({ modelDir, variant }, () =>
      loadKeptWhole(this.openFolder(modelDir), modelDir, this.surface, variant, why.message),
    ) as Promise<LoadedModel>;
  }

  /** The arithmetic of the requested heads for token ids (special tokens in place). */
  runSteps(
    modelDir: string,
    ids: readonly number[],
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<HeadSteps[]> {
    return this.steps.runSteps(modelDir, ids, requests, variant);
  }

  /** An encoder-decoder's steps: encoder heads on `sourceIds`, decoder and cross heads on `decoderIds`. */
  runSeq2SeqSteps(
    modelDir: string,
    sourceIds: readonly number[],
    decoderIds: readonly number[],
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<HeadSteps[]> {
    return this.steps.runSeq2SeqSteps(modelDir, sourceIds, decoderIds, requests, variant);
  }

  /** How the model knows order, measured on token ids (the Steps view's Positions panel). */
  runPositions(
    modelDir: string,
    ids: readonly number[],
    variant?: GraphVariant,
  ): Promise<PositionsReport> {
    return this.steps.runPositions(modelDir, ids, variant);
  }

  /** A part of a held result's attention, `[heads, rows, cols]` (a new array). */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    return this.held.slice(resultId, request);
  }

  /** One layer's thumbnails and head summaries of a held result. */
  overview(
    resultId: number,
    kind: AttentionKind,
    layer: number,
    units?: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview> {
    return this.held.overview(resultId, kind, layer, units, weights);
  }

  /** One layer's value norms and head writes of a held result (issue 24). */
  readonly headWrites = (resultId: number, kind: AttentionKind, layer: number) =>
    this.held.headWrites(resultId, kind, layer);
  /** The logit lens at one position of a decoder's held result (issue 24): per layer the top `k`. */
  readonly logitLens = (resultId: number, position: number, k: number) =>
    this.held.logitLens(resultId, position, k);
  /** A decoder's next-token predictions at some rows of a held result (issue 22). */
  readonly predictions = (resultId: number, rows: readonly number[], k: number) =>
    this.held.predictions(resultId, rows, k);

  /** Bytes of attention the held results keep alive (what closing their panels frees). */
  get heldBytes(): number {
    return this.held.bytes;
  }

  /** A held result's next task while no request waits (its value norms; worker/backgroundFill.ts). */
  readonly backgroundTask = (resultId: number) => this.held.backgroundTask(resultId);
  /** Forgets a held result (its panel closed). */
  readonly release = (resultId: number): void => this.held.release(resultId);

  private load(modelDir: string, variant?: GraphVariant): Promise<LoadedModel | Seq2SeqModel> {
    enterStage({ label: `${modelDir}: reading the model folder`, kind: 'load' });
    return loadAnyModel(this.openFolder(modelDir), modelDir, this.surface, variant, this.loading);
  }
}

function now(): number {
  return performance.now();
}
