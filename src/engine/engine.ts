/**
 * The engine: text → tokens with source offsets → one ONNX Runtime run → per-layer,
 * per-head attention. Imports neither `vscode` nor the DOM, so the worker, the CLI, the
 * evaluation scripts and the tests all share it.
 *
 *   const engine = new Engine(nodeModelFiles);
 *   const result = await engine.inspect('models/mini-code-gpt', 'def f(x): return x');
 *   const { attentions, logits } = await (await engine.loadModel(dir)).runIds([0, 17, 42]);
 */
import { probePositions } from './steps/positionsProbe';
import { checkSeq2SeqRequests, Seq2SeqStepsSession } from './steps/seq2seqStepsSession';
import { checkRequests, StepsSession } from './steps/stepsSession';
import { EngineRunError } from './errors';
import { enterStage } from './stage';
import { loadModelFolder } from './folder/loadModelFolder';
import type { ModelFiles } from './folder/modelFiles';
import { withListCache } from './folder/modelFiles';
import type { GraphVariant } from './folder/onnxGraphFiles';
import { isSeq2SeqFolder } from './folder/seq2seqFolder';
import { inspectSeq2Seq } from './inference/inspectSeq2Seq';
import { type LoadedModel, loadSingleGraphModel, tokenizerOf } from './inference/loadedModel';
import { loadSeq2SeqModel } from './inference/loadSeq2SeqModel';
import { limitsOf, planTokens } from './inference/planTokens';
import { tokenLimit } from './inference/tokenBudget';
import { ModelCache, type ModelRef } from './modelCache';
import type { Surface } from './surface';
import { DEFAULT_TOP_PREDICTIONS, topPredictions } from './inference/predictionGraph';
import { Seq2SeqModel } from './inference/seq2seqModel';
import type {
  HeadSteps,
  HeadStepsRequest,
  InspectResult,
  PositionsReport,
  TargetRequest,
} from './types';

/** Options of one inspection. */
export interface InspectOptions {
  /**
   * Inspect at most this many tokens, special tokens included; capped by the model's context.
   * Absent or 0: the context, bounded by what fits in memory (inference/tokenBudget.ts).
   */
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
}

export class Engine {
  /** The sessions kept between runs (and released when other models took their place). */
  private readonly cache: ModelCache;

  constructor(
    private readonly openFolder: (modelDir: string) => ModelFiles,
    /** Who the engine serves: its advice names that surface's flags or settings. */
    private readonly surface: Surface = 'cli',
    /** Models kept loaded; beyond it the least recently used is released (modelCache.ts). */
    maxLoadedModels = Number.POSITIVE_INFINITY,
  ) {
    this.cache = new ModelCache(maxLoadedModels);
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
  evict(keep?: ModelRef): Promise<void> {
    return this.cache.evict(keep);
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
    const started = now();
    if (text.trim() === '') {
      throw new EngineRunError(
        'Nothing to inspect: the text is empty or only whitespace. Select some text (or put the cursor on a non-empty line) and run the command again.',
        'badInput',
      );
    }
    const model = await this.loadAnyModel(modelDir, options.variant);
    if (options.steps?.length) await this.checkSteps(modelDir, options.steps, options.variant);
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
    if (model instanceof Seq2SeqModel) {
      const result = await inspectSeq2Seq(model, {
        text,
        target: options.target,
        maxTokens: options.maxTokens,
        checkCancelled,
        started,
        loadMs,
        surface: this.surface,
      });
      if (!options.steps?.length || !result.seq2seq) return result;
      const sourceIds = result.tokens.map((t) => t.id);
      const decoderIds = result.seq2seq.decoderTokens.map((t) => t.id);
      const steps = await this.runSeq2SeqSteps(
        modelDir,
        sourceIds,
        decoderIds,
        options.steps,
        options.variant,
      );
      return { ...result, steps };
    }
    const tokenizeStart = now();
    const { manifest } = model.folder;
    const { maxTokens, from } = tokenLimit(manifest, model.modelBytes, options.maxTokens);
    const plan = planTokens(
      model.tokenizer,
      text,
      manifest.specialTokens,
      limitsOf(manifest, maxTokens, this.surface, from),
    );
    const tokenizeMs = now() - tokenizeStart;
    checkCancelled();
    const topK =
      manifest.architecture === 'decoder' ? (options.topK ?? DEFAULT_TOP_PREDICTIONS) : 0;
    const inferenceStart = now();
    const outputs = await model.runIds(
      plan.tokens.map((token) => token.id),
      topK > 0,
    );
    const steps = options.steps?.length
      ? await this.runSteps(
          modelDir,
          plan.tokens.map((t) => t.id),
          options.steps,
          options.variant,
        )
      : undefined;
    const inferenceMs = now() - inferenceStart;
    checkCancelled();
    const predictionsStart = now();
    const predictions = outputs.logits
      ? await topPredictions(outputs.logits, plan.tokens.length, topK, (id) => model.spell(id), {
          label: model.folder.label,
          graphFile: model.folder.graphFile,
        })
      : undefined;
    return {
      model: model.info,
      text,
      tokens: plan.tokens,
      attentions: outputs.attentions,
      predictions,
      truncation: plan.truncation,
      ...(steps ? { steps } : {}),
      timings: {
        loadMs,
        tokenizeMs,
        inferenceMs,
        predictionsMs: now() - predictionsStart,
        totalMs: now() - started,
        startedAt: performance.timeOrigin + started,
        finishedAt: performance.timeOrigin + now(),
      },
    };
  }

  /** The arithmetic of the requested heads for token ids (special tokens in place). */
  async runSteps(
    modelDir: string,
    ids: readonly number[],
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<HeadSteps[]> {
    if ((await this.loadAnyModel(modelDir, variant)) instanceof Seq2SeqModel) {
      throw new EngineRunError(
        `${modelDir} is an encoder-decoder model: its steps need the source and the decoder tokens (runSeq2SeqSteps, or inspect with steps).`,
        'badInput',
      );
    }
    await this.checkSteps(modelDir, requests, variant);
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
    const model = await this.singleGraph(modelDir, variant, 'Positions');
    const baseline = (await model.runIds(ids, false)).attentions;
    const folder = await loadModelFolder(this.openFolder(modelDir), variant ? { variant } : {});
    return probePositions(folder, ids, baseline);
  }

  /** Refuses requests for heads the model lacks (before any run). */
  private async checkSteps(
    modelDir: string,
    requests: readonly HeadStepsRequest[],
    variant?: GraphVariant,
  ): Promise<void> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) return checkSeq2SeqRequests(requests, model);
    const { layers, heads, architecture } = model.folder.manifest;
    checkRequests(requests, layers, heads, architecture);
  }

  private async singleGraph(
    modelDir: string,
    variant: GraphVariant | undefined,
    what: string,
  ): Promise<LoadedModel> {
    const model = await this.loadAnyModel(modelDir, variant);
    if (model instanceof Seq2SeqModel) {
      throw new EngineRunError(
        `${what} are not computed for encoder-decoder models yet (${modelDir}); the encoder, decoder and cross-attention views work without them.`,
        'badInput',
      );
    }
    return model;
  }

  private async load(
    modelDir: string,
    variant?: GraphVariant,
  ): Promise<LoadedModel | Seq2SeqModel> {
    enterStage({ label: `${modelDir}: reading the model folder`, kind: 'load' });
    const files = withListCache(this.openFolder(modelDir));
    if (await isSeq2SeqFolder(files))
      return loadSeq2SeqModel(files, modelDir, tokenizerOf, variant);
    const folder = await loadModelFolder(files, variant ? { variant } : {});
    return loadSingleGraphModel(folder, modelDir, this.surface);
  }
}
function now(): number {
  return performance.now();
}
