/**
 * The engine: text → tokens with source offsets → one ONNX Runtime run → per-layer,
 * per-head attention. Imports neither `vscode` nor the DOM, so the worker, the CLI, the
 * evaluation scripts and the tests all share it.
 *
 *   const engine = new Engine(nodeModelFiles);
 *   const result = await engine.inspect('models/mini-code-gpt', 'def f(x): return x');
 *   const { attentions, logits } = await (await engine.loadModel(dir)).runIds([0, 17, 42]);
 */
import { EngineRunError } from './errors';
import { createSession } from './inference/ortRuntime';
import type { InferenceSession } from './inference/ortRuntime';
import { makeFeeds } from './inference/graphFeeds';
import type { GraphVariant } from './folder/onnxGraphFiles';
import { DEFAULT_TOP_PREDICTIONS, topPredictions } from './inference/predictionGraph';
import { extractAttention } from './attention/extractAttention';
import { probePositions } from './attention/positionsProbe';
import { checkRequests, StepsSession } from './attention/stepsSession';
import { SUPPORTED_OPSETS } from './graph/decodeOnnx';
import { loadModelFolder } from './folder/loadModelFolder';
import { modelInfo } from './folder/manifest';
import { modelError } from './modelError';
import type { LoadedModelFolder } from './folder/loadModelFolder';
import type { ModelFiles } from './folder/modelFiles';
import { createTokenizer } from './tokenize/createTokenizer';
import type { TextTokenizer } from './tokenize/createTokenizer';
import { MAX_TOKENS_PER_RUN, planTokens } from './inference/planTokens';
import type {
  HeadSteps,
  HeadStepsRequest,
  InspectResult,
  ModelInfo,
  PositionsReport,
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
  /** Heads whose arithmetic to return (`InspectResult.steps`); runs a second session. */
  steps?: readonly HeadStepsRequest[];
}

/** Raw outputs of one run over token ids. */
export interface RunOutputs {
  /** Per layer `[heads, N, N]`, rows sum to 1. */
  attentions: Float32Array[];
  /** `[N, vocab]` when the model outputs logits. */
  logits?: Float32Array;
}

/** A model folder, validated, with its tokenizer and a reusable inference session. */
export class LoadedModel {
  constructor(
    readonly info: ModelInfo,
    /** The validated folder, without its ONNX bytes: the session holds the model now. */
    readonly folder: Omit<LoadedModelFolder, 'onnxBytes' | 'externalData'>,
    readonly tokenizer: TextTokenizer,
    private readonly session: InferenceSession,
  ) {}

  /** Runs token ids (special tokens already in place) through the model. */
  async runIds(ids: readonly number[]): Promise<RunOutputs> {
    const n = ids.length;
    const feeds = makeFeeds(this.folder.feeds, ids);
    const fetches = [...this.folder.attentionOutputs];
    if (this.folder.logitsOutput) fetches.push(this.folder.logitsOutput);
    const outputs = await this.session.run(feeds, fetches).catch((error: unknown) => {
      throw runFailure(error, n, this.folder);
    });
    const names = this.folder.attentionOutputs;
    const attentions = extractAttention(
      names.map((name) => outputs[name]),
      names,
      this.info.heads,
      n,
      this.folder.label,
      this.folder.graphFile,
    );
    const logitsTensor = this.folder.logitsOutput ? outputs[this.folder.logitsOutput] : undefined;
    return { attentions, logits: logitsTensor ? (logitsTensor.data as Float32Array) : undefined };
  }
}

export class Engine {
  /** One session per model folder, created on first use and reused. */
  private readonly models = new Map<string, Promise<LoadedModel>>();
  /** Sessions with the step tensors exposed, created on the first request for steps. */
  private readonly stepSessions = new Map<string, Promise<StepsSession>>();

  constructor(private readonly openFolder: (modelDir: string) => ModelFiles) {}

  /** Loads (once per folder and variant) and validates a model folder. */
  loadModel(modelDir: string, variant?: GraphVariant): Promise<LoadedModel> {
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
    const model = await this.loadModel(modelDir, options.variant);
    const { layers, heads, architecture } = model.folder.manifest;
    if (options.steps) checkRequests(options.steps, layers, heads, architecture);
    const loadMs = now() - started;
    const checkCancelled = (): void => {
      if (options.isCancelled?.()) throw new EngineRunError('Inspection cancelled.', 'cancelled');
    };
    checkCancelled();
    const tokenizeStart = now();
    const { manifest } = model.folder;
    const limit = Math.min(manifest.maxPositions, MAX_TOKENS_PER_RUN);
    const maxTokens = Math.min(options.maxTokens ?? limit, limit);
    const plan = planTokens(
      model.tokenizer,
      text,
      manifest.specialTokens,
      maxTokens,
      manifest.maxPositions,
    );
    const tokenizeMs = now() - tokenizeStart;
    checkCancelled();
    const inferenceStart = now();
    const outputs = await model.runIds(plan.tokens.map((token) => token.id));
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
    const topK = options.topK ?? DEFAULT_TOP_PREDICTIONS;
    const predictionsStart = now();
    const predictions =
      outputs.logits && topK > 0 && manifest.architecture === 'decoder'
        ? await topPredictions(outputs.logits, plan.tokens.length, topK, (id) =>
            model.tokenizer.decode([id]),
          )
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
    const { layers, heads, architecture } = (await this.loadModel(modelDir, variant)).folder
      .manifest;
    checkRequests(requests, layers, heads, architecture);
    const key = `${modelDir}\n${variant ?? ''}`;
    let session = this.stepSessions.get(key);
    if (!session) {
      session = StepsSession.load(this.openFolder(modelDir), variant);
      this.stepSessions.set(key, session);
      session.catch(() => this.stepSessions.delete(key));
    }
    return (await session).run(ids, requests);
  }

  /** How the model knows order, measured on token ids (the Steps view's Positions panel). */
  async runPositions(
    modelDir: string,
    ids: readonly number[],
    variant?: GraphVariant,
  ): Promise<PositionsReport> {
    const baseline = (await (await this.loadModel(modelDir, variant)).runIds(ids)).attentions;
    const folder = await loadModelFolder(this.openFolder(modelDir), variant ? { variant } : {});
    return probePositions(folder, ids, baseline);
  }

  private async load(modelDir: string, variant?: GraphVariant): Promise<LoadedModel> {
    const folder = await loadModelFolder(this.openFolder(modelDir), variant ? { variant } : {});
    const tokenizer = tokenizerOf(folder);
    let session: InferenceSession;
    try {
      session = await createSession(folder.onnxBytes, folder.externalData);
    } catch (error) {
      throw new EngineRunError(
        `${folder.graphFile} in ${modelDir} could not be loaded by ONNX Runtime: ${error instanceof Error ? error.message : String(error)}. Re-export the model (opset ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}) or pick another model folder.`,
        'badModel',
      );
    }
    const info: ModelInfo = {
      ...modelInfo(folder.manifest, modelDir),
      graphFile: folder.graphFile,
    };
    const others = folder.graphFiles.map((f) => f.path).filter((p) => p !== folder.graphFile);
    if (others.length > 0) info.otherGraphFiles = others;
    if (folder.notes.length > 0) info.notes = folder.notes;
    // Dropping the bytes here keeps one copy of the model (in the session), not two.
    const { onnxBytes: _graph, externalData: _weights, ...kept } = folder;
    return new LoadedModel(info, kept, tokenizer, session);
  }
}

/** The folder's tokenizer; whatever the library trips over is reported against tokenizer.json. */
function tokenizerOf(folder: LoadedModelFolder): TextTokenizer {
  try {
    return createTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw modelError(
      'badTokenizer',
      folder.label,
      'tokenizer.json',
      `cannot be used (${why})`,
      'Use the tokenizer.json saved with the model (tokenizer.save_pretrained).',
    );
  }
}

/**
 * onnxruntime's own message names its C++ source; keep what it says, not where. The usual
 * cause is an input longer than the graph can take (a position table or mask buffer).
 */
function runFailure(
  error: unknown,
  n: number,
  folder: Pick<LoadedModelFolder, 'label' | 'graphFile' | 'manifest'>,
): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const said = raw
    .replace(/^.*ERROR_MESSAGE:\s*/s, '')
    .replace(/\S+\.(h|cc|cpp):\d+\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return modelError(
    'runFailed',
    folder.label,
    folder.graphFile,
    `failed on ${n} tokens inside onnxruntime (${said})`,
    `If the graph cannot take that many tokens, lower "maxPositions" (${folder.manifest.maxPositions}) in manifest.json; otherwise re-export the model.`,
  );
}

function now(): number {
  return performance.now();
}
