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
import { holdInspection } from './attention/holdInspection';
import { EngineSteps } from './steps/engineSteps';
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
import { limitsOf, MAX_TOKENS_PER_RUN, planTokens } from './inference/planTokens';
import type { Surface } from './surface';
import { DEFAULT_TOP_PREDICTIONS, topPredictions } from './inference/predictionGraph';
import { Seq2SeqModel } from './inference/seq2seqModel';
import type {
  AttentionKind,
  AttentionSliceRequest,
  HeadSteps,
  HeadStepsRequest,
  HeldResult,
  InspectResult,
  LayerOverview,
  PositionsReport,
  TargetRequest,
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
}

export class Engine {
  /** One session (two for encoder-decoders) per model folder, created on first use and reused. */
  private readonly models = new Map<string, Promise<LoadedModel | Seq2SeqModel>>();
  private readonly steps: EngineSteps;
  private readonly held = new HeldResults();

  constructor(
    private readonly openFolder: (modelDir: string) => ModelFiles,
    /** Who the engine serves: its advice names that surface's flags or settings. */
    private readonly surface: Surface = 'cli',
  ) {
    this.steps = new EngineSteps(openFolder, (dir, variant) => this.loadAnyModel(dir, variant));
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
    const key = `${modelDir}\n${variant ?? ''}`;
    let model = this.models.get(key);
    if (!model) {
      model = this.load(modelDir, variant);
      this.models.set(key, model);
      // A failed load is not cached: the user may fix the folder and try again.
      model.catch(() => this.models.delete(key));
    }
    return model;
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
    if (options.steps?.length)
      await this.steps.checkSteps(modelDir, options.steps, options.variant);
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
    const limit = Math.min(manifest.maxPositions, MAX_TOKENS_PER_RUN);
    const maxTokens = Math.min(options.maxTokens ?? limit, limit);
    const plan = planTokens(
      model.tokenizer,
      text,
      manifest.specialTokens,
      limitsOf(manifest, maxTokens, this.surface),
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

  /**
   * Like `inspect`, but the attention stays here (issue 22): the answer has no tensors;
   * `slice` and `overview` give what a view, a hover or an export shows.
   */
  async inspectHeld(
    modelDir: string,
    text: string,
    options: InspectOptions = {},
  ): Promise<HeldResult> {
    return holdInspection(this.held, await this.inspect(modelDir, text, options));
  }

  /** A part of a held result's attention, `[heads, rows, cols]` (a new array). */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    return this.held.slice(resultId, request);
  }

  /** One layer's thumbnails and head summaries of a held result. */
  overview(resultId: number, kind: AttentionKind, layer: number): Promise<LayerOverview> {
    return this.held.overview(resultId, kind, layer);
  }

  /** Forgets a held result (its panel closed). */
  release(resultId: number): void {
    this.held.release(resultId);
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
    return loadSingleGraphModel(folder, modelDir);
  }
}
function now(): number {
  return performance.now();
}
