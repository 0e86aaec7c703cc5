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
import { createSession, int64Input } from './inference/ortRuntime';
import type { InferenceSession, Tensor } from './inference/ortRuntime';
import { topPredictions } from './inference/predictionGraph';
import { extractAttention } from './attention/extractAttention';
import { SUPPORTED_OPSETS } from './model/decodeOnnx';
import { loadModelFolder } from './model/loadModelFolder';
import { modelInfo } from './model/manifest';
import type { LoadedModelFolder } from './model/loadModelFolder';
import type { ModelFiles } from './model/modelFiles';
import { createTokenizer } from './tokenize/createTokenizer';
import type { TextTokenizer } from './tokenize/createTokenizer';
import { planTokens } from './inference/planTokens';
import type { InspectResult, ModelInfo } from './types';

/** Options of one inspection. */
export interface InspectOptions {
  /** Inspect at most this many tokens, special tokens included; capped by the model. */
  maxTokens?: number;
  /** Next-token predictions kept per position (decoders with logits); default 5. */
  topK?: number;
  /** Polled between stages; a true answer ends the run with `EngineRunError('cancelled')`. */
  isCancelled?: () => boolean;
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
    readonly folder: LoadedModelFolder,
    readonly tokenizer: TextTokenizer,
    private readonly session: InferenceSession,
  ) {}

  /** Runs token ids (special tokens already in place) through the model. */
  async runIds(ids: readonly number[]): Promise<RunOutputs> {
    const { manifest } = this.folder;
    const n = ids.length;
    const feeds: Record<string, Tensor> = { [manifest.inputs.inputIds]: int64Input(ids) };
    if (manifest.inputs.attentionMask) feeds[manifest.inputs.attentionMask] = int64Input(filled(n, () => 1));
    if (manifest.inputs.tokenTypeIds) feeds[manifest.inputs.tokenTypeIds] = int64Input(filled(n, () => 0));
    if (manifest.inputs.positionIds) feeds[manifest.inputs.positionIds] = int64Input(filled(n, (i) => i));
    const fetches = [...this.folder.attentionOutputs];
    if (this.folder.logitsOutput) fetches.push(this.folder.logitsOutput);
    const outputs = await this.session.run(feeds, fetches);
    const names = this.folder.attentionOutputs;
    const attentions = extractAttention(names.map((name) => outputs[name]), names, this.info.heads, n, this.folder.label);
    const logitsTensor = this.folder.logitsOutput ? outputs[this.folder.logitsOutput] : undefined;
    return { attentions, logits: logitsTensor ? (logitsTensor.data as Float32Array) : undefined };
  }
}

export class Engine {
  /** One session per model folder, created on first use and reused. */
  private readonly models = new Map<string, Promise<LoadedModel>>();

  constructor(private readonly openFolder: (modelDir: string) => ModelFiles) {}

  loadModel(modelDir: string): Promise<LoadedModel> {
    let model = this.models.get(modelDir);
    if (!model) {
      model = this.load(modelDir);
      this.models.set(modelDir, model);
      // A failed load is not cached: the user may fix the folder and try again.
      model.catch(() => this.models.delete(modelDir));
    }
    return model;
  }

  async inspect(modelDir: string, text: string, options: InspectOptions = {}): Promise<InspectResult> {
    const started = now();
    if (text.trim() === '') {
      throw new EngineRunError(
        'Nothing to inspect: the text is empty or only whitespace. Select some text (or put the cursor on a non-empty line) and run the command again.',
        'badInput',
      );
    }
    const model = await this.loadModel(modelDir);
    const loadMs = now() - started;
    const checkCancelled = (): void => {
      if (options.isCancelled?.()) throw new EngineRunError('Inspection cancelled.', 'cancelled');
    };
    checkCancelled();
    const tokenizeStart = now();
    const { manifest } = model.folder;
    const maxTokens = Math.min(options.maxTokens ?? manifest.maxPositions, manifest.maxPositions);
    const plan = planTokens(model.tokenizer, text, manifest.specialTokens, maxTokens, manifest.maxPositions);
    const tokenizeMs = now() - tokenizeStart;
    checkCancelled();
    const inferenceStart = now();
    const outputs = await model.runIds(plan.tokens.map((token) => token.id));
    const inferenceMs = now() - inferenceStart;
    checkCancelled();
    const topK = options.topK ?? 5;
    const predictionsStart = now();
    const predictions =
      outputs.logits && topK > 0 && manifest.architecture === 'decoder'
        ? await topPredictions(outputs.logits, plan.tokens.length, topK, (id) => model.tokenizer.decode([id]))
        : undefined;
    return {
      model: model.info,
      text,
      tokens: plan.tokens,
      attentions: outputs.attentions,
      predictions,
      truncation: plan.truncation,
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

  private async load(modelDir: string): Promise<LoadedModel> {
    const folder = await loadModelFolder(this.openFolder(modelDir));
    const tokenizer = createTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    let session: InferenceSession;
    try {
      session = await createSession(folder.onnxBytes);
    } catch (error) {
      throw new EngineRunError(
        `model.onnx in ${modelDir} could not be loaded by ONNX Runtime: ${error instanceof Error ? error.message : String(error)}. Re-export the model (opset ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}) or pick another model folder.`,
        'badModel',
      );
    }
    return new LoadedModel(modelInfo(folder.manifest, modelDir), folder, tokenizer, session);
  }
}

function filled(n: number, value: (i: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => value(i));
}

function now(): number {
  return performance.now();
}
