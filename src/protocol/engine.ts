/**
 * The host ⇄ engine-worker channel. The worker serves `EngineApi`; the host serves nothing.
 * The worker notifies the stage it enters (`EngineEvent`), which the host's watchdog bounds.
 * Tensors in results are Float32Arrays and move (transfer list), never copy.
 */
import type { Surface } from '../engine/surface';
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import type { EngineStage } from '../engine/stage';
import type {
  FileScan,
  HeadScanOptions,
  HeadScanPlan,
  HeadScanResult,
} from '../engine/heads/headScanTypes';
import type {
  AttentionSliceRequest,
  GenerationRequest,
  HeadSteps,
  HeadStepsRequest,
  HeldResult,
  InspectResult,
  HeadWrites,
  LayerOverview,
  LogitLensLayer,
  ModelInfo,
  PositionsReport,
  Prediction,
  TargetRequest,
  SliceWeights,
  ThumbnailUnits,
} from '../engine/types';

/** Bump when a message changes shape; both ends check it at start-up. */
export const ENGINE_PROTOCOL_VERSION = 6;

/** Worker → host: the engine entered a stage of long synchronous work. */
export interface EngineEvent {
  kind: 'stage';
  stage: EngineStage;
}

/** Options the worker is started with (its `workerData` / first message). */
export interface EngineWorkerOptions {
  /** Folder holding onnxruntime-web's `.wasm`/`.mjs` files (`dist/ort/`). */
  wasmDir: string;
  /** WASM threads; 0 lets the engine choose (see docs/performance.md). */
  numThreads: number;
  /** Who the worker serves (default `cli`): the engine's advice names its flags or settings. */
  surface?: Surface;
  /**
   * Load value norms and the logit lens into each graph (issue 24; default true). They cost
   * memory on every run (~0.5 GB at 2,048 tokens of a 30-layer model), so the CLI loads them
   * only for `--norms` and `--logit-lens`.
   */
  whatMoves?: boolean;
}

/** One inspection request. A newer `runId` supersedes every older one still running. */
export interface InspectRequest {
  runId: number;
  /** Absolute path of a model folder (docs/model-format.md). */
  modelDir: string;
  text: string;
  /**
   * Inspect at most this many tokens (specials included); absent or 0: the model's context
   * bounded by what fits in memory (engine/inference/tokenBudget.ts).
   */
  maxTokens?: number;
  /** Next-token predictions kept per position (decoders); default 5, 0 for none. */
  topK?: number;
  /** Graph variant of a Hugging Face folder with several; default: fp32 first. */
  variant?: GraphVariant;
  /** Encoder-decoder models: the decoder's tokens; default `DEFAULT_TARGET` (engine/types.ts). */
  target?: TargetRequest;
  /** Heads whose arithmetic to add as `InspectResult.steps` (the CLI's --steps). */
  steps?: HeadStepsRequest[];
  /** Decoders: continue the text first (`InspectResult.generation`; the CLI's --generate). */
  generate?: GenerationRequest;
}

/** The arithmetic of some heads for token ids an inspection already produced (Steps view). */
export interface HeadStepsCall {
  modelDir: string;
  variant?: GraphVariant;
  /** The inspected tokens' ids, special tokens included (an encoder-decoder's source). */
  ids: number[];
  /** Encoder-decoder models: the decoder tokens' ids (decoder start token first). */
  decoderIds?: number[];
  requests: HeadStepsRequest[];
}

/** Questions about a held result that answer small, computed when asked: a layer's head writes, a position's logit lens (issue 24), some rows' next-token predictions (issue 22). */
export type HeldQuestion = 'headWrites' | 'logitLens' | 'predictions';

/** What the worker serves. */
export interface EngineApi {
  [method: string]: (arg: never) => Promise<unknown>;
  /** Loads (or returns the cached) model and validates it. */
  loadModel(arg: { modelDir: string; variant?: GraphVariant }): Promise<ModelInfo>;
  /** Tokenizes and runs `text`; rejects with code `superseded`/`cancelled` when overtaken. */
  inspect(arg: InspectRequest): Promise<InspectResult>;
  /** The steps of the requested heads; their typed arrays are transferred. */
  headSteps(arg: HeadStepsCall): Promise<HeadSteps[]>;
  /** How the model knows order, measured on the ids of an inspected text (Steps view). */
  positions(arg: Omit<HeadStepsCall, 'requests'>): Promise<PositionsReport>;
  /**
   * Like `inspect`, but the attention stays in the engine (issue 22): the answer has no
   * tensors, and views, hovers and exports ask for what they show by `resultId`.
   */
  inspectHeld(arg: InspectRequest): Promise<HeldResult>;
  /** One layer's thumbnails and head summaries of a held result (ask layer by layer, first first). */
  overview(arg: {
    resultId: number;
    kind: HeldResult['stacks'][number]['kind'];
    layer: number;
    /** Thumbnails as a view groups the tokens (word level, hidden specials). */
    units?: ThumbnailUnits;
    /** Thumbnails of value-weighted row shares (issue 24; `LayerOverview.weights`). */
    weights?: SliceWeights;
  }): Promise<LayerOverview>;
  /** A part of a held result's attention, `[heads, rows, cols]` (transferred). */
  slice(arg: { resultId: number } & AttentionSliceRequest): Promise<Float32Array>;
  /** One layer's value norms and head writes of a held result (issue 24). */
  headWrites(arg: {
    resultId: number;
    kind: HeldResult['stacks'][number]['kind'];
    layer: number;
  }): Promise<HeadWrites>;
  /** A decoder's logit lens at one position of a held result (issue 24): per layer the top k. */
  logitLens(arg: { resultId: number; position: number; k: number }): Promise<LogitLensLayer[]>;
  /**
   * A decoder's next-token predictions at some rows of a held result (`HeldResult.nextTokens`),
   * in the order asked: per row the top `k`, read through the model's final norm and
   * unembedding when asked (issue 22).
   */
  predictions(arg: { resultId: number; rows: number[]; k: number }): Promise<Prediction[][]>;
  /** Forgets a held result (a closed panel); later slices of it fail with code `released`. */
  release(arg: { resultId: number }): Promise<void>;
  /**
   * Releases the sessions of every loaded model but `keep`'s (the host selected another
   * model); a released model loads again when asked for.
   */
  evict(arg: { keep?: { modelDir: string; variant?: GraphVariant } }): Promise<void>;
  /** Starts head scan `scanId` (issue 25); a bad pattern or regex fails here, before any file. */
  headScanStart(arg: {
    scanId: number;
    modelDir: string;
    variant?: GraphVariant;
    options: HeadScanOptions;
  }): Promise<HeadScanPlan>;
  /** Scores one file of a scan; `tokensLeft` is what the budget still allows. */
  headScanFile(arg: {
    scanId: number;
    file: string;
    text: string;
  }): Promise<FileScan & { tokensLeft: number }>;
  /** The scan's ranking so far; the scan is forgotten (a file still running stops). */
  headScanEnd(arg: { scanId: number }): Promise<HeadScanResult>;
  /** Cancels a run: its `inspect` call rejects with code `cancelled`. */
  cancel(arg: { runId: number }): Promise<void>;
  /** Protocol handshake. */
  hello(arg: { protocol: number }): Promise<{ protocol: number; threads: number }>;
}
