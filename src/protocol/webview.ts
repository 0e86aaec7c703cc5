/**
 * The host ⇄ webview channel. Both ends import this file; the webview bundle may import
 * only `src/protocol/`, `src/shared/` and `src/engine/types.ts` (docs/layout.md, lint).
 *
 * A run reaches the webview as one `didStartResult` (tokens, metadata and the attention
 * stacks the engine holds, no tensors). The attention stays in the engine (issue 22): the
 * webview asks the host (`WebviewHostApi`, request/response over src/protocol/rpc.ts) for
 * what it shows — each layer's overview (thumbnails and head summaries, first layers first),
 * the heads of a layer a view draws, one head's steps — and the host relays to the engine.
 */
import type {
  AttentionKind,
  AttentionSliceRequest,
  AttentionStack,
  HeadSteps,
  HeadWrites,
  InspectResult,
  LogitLensLayer,
  Prediction,
  PositionsReport,
  Seq2SeqResult,
  TargetRequest,
  SliceWeights,
  ThumbnailUnits,
} from '../engine/types';
import type { ContinuationBranches, ForkMessage, ShowBranchMessage } from './continuationBranches';
import type { PackedOverview } from './overviewWire';

/** Bump when a message changes shape; the webview sends it in `ready`. */
export const WEBVIEW_PROTOCOL_VERSION = 10;

export type { AttentionKind } from '../engine/types';

/** The attention kinds in the order the panel offers them. */
export const ATTENTION_KINDS: readonly AttentionKind[] = ['encoder', 'decoder', 'cross'];

/** The decoder side of an encoder-decoder result without its tensors (the engine holds them). */
export type Seq2SeqMeta = Omit<Seq2SeqResult, 'decoderAttentions' | 'crossAttentions'>;

/** The views the panel offers, in the order of its tabs (and of package.json's enum). */
export const VIEW_KINDS = ['model', 'matrix', 'head', 'summary', 'steps'] as const;
export type ViewKind = (typeof VIEW_KINDS)[number];

/** Colour maps (perceptually uniform, colour-blind safe), in the order the picker lists them. */
export const COLOR_MAP_NAMES = ['viridis', 'cividis', 'magma', 'grays'] as const;
export type ColorMapName = (typeof COLOR_MAP_NAMES)[number];

/** User settings the webview needs (contributed as `attentionInspector.*`). */
export interface ViewSettings {
  colorMap: ColorMapName;
  /** How many attended tokens are highlighted per focused token. */
  topK: number;
  defaultView: ViewKind;
}

/** The settings' defaults; package.json contributes the same (test/unit/util/config.test.ts). */
export const DEFAULT_VIEW_SETTINGS: Readonly<ViewSettings> = {
  colorMap: 'viridis',
  topK: 5,
  defaultView: 'model',
};

/**
 * When a run passed each stage on its way to the panel, in wall-clock milliseconds
 * ({@link wallClockMs}), so the first-view benchmark can split keypress → drawn view into
 * host, worker, transfer and webview time. Absent stages were not passed (a cached result).
 */
export interface RunTrace {
  /** The command (or re-run) started in the extension host. */
  commandAt: number;
  /** The host sent the request to the engine worker. */
  requestedAt?: number;
  /** The result arrived back in the host. */
  receivedAt?: number;
  /** The host posted the result to the webview. */
  postedAt: number;
}

/** When a run's first complete view was on screen, as the webview saw it (`didDraw`). */
export interface DrawnRecord {
  runId: number;
  tokens: number;
  trace: RunTrace | undefined;
  timings: InspectResult['timings'];
  /** `didStartResult` arrived. */
  metaAt: number;
  /** The last layer overview arrived. */
  lastLayerAt: number;
  /** The view that shows every layer was rendered (canvases filled). */
  renderedAt: number;
  /** The next animation frame after that render: the view was painted. */
  drawnAt: number;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Metadata of a result: everything but the attention tensors, and the stacks the engine holds. */
export type ResultMeta = Omit<InspectResult, 'attentions' | 'seq2seq'> & {
  runId: number;
  seq2seq?: Seq2SeqMeta;
  /** The attention the engine holds for this result, one stack per kind. */
  stacks: AttentionStack[];
  /** Where the text came from, for labels ("file.ts:12–40"). */
  source: { label: string };
  trace?: RunTrace;
  /** A continuation's branches, when it has been forked (issue 23). */
  branches?: ContinuationBranches;
  /**
   * Every layer's overview, when the result is small enough for the host to have computed them
   * before showing it (src/inspection/overviewPrefetch.ts); absent: the webview asks for them.
   * Thumbnails as 16-bit codes (src/protocol/overviewWire.ts).
   */
  overviews?: PackedOverview[];
};

/** Notifications host → webview. */
export type HostToWebview =
  | { type: 'didChangeSettings'; settings: ViewSettings }
  | { type: 'didStartRun'; runId: number; label: string }
  | { type: 'didStartResult'; meta: ResultMeta }
  | { type: 'didFail'; runId?: number; message: string }
  /** The source changed under the result: highlights must go, the result is stale. */
  | { type: 'didInvalidate'; runId: number; reason: string }
  /** The editor cursor entered token `index` (null: left the inspected range). */
  | { type: 'didFocusToken'; runId: number; index: number | null }
  /** Show head `head` of layer `layer` in the matrix view (a Find Heads… example). */
  | { type: 'didShowHead'; runId: number; layer: number; head: number };

/** What the webview shows for the focused token, mirrored in the editor. */
export interface FocusMessage {
  type: 'focusToken';
  runId: number;
  /** Query token index, or null when nothing is focused. */
  index: number | null;
  /**
   * Weight per token of the result (length N), exactly as highlighted: only the top-k
   * attended units are non-zero, a merged word's weight is repeated on each of its tokens,
   * hidden special tokens are 0. `index` is the first token of the focused unit. Null when
   * `index` is null.
   */
  weights: Float32Array | null;
  /** What the weights are, e.g. "layer 2 head 3" or "layer 2, mean of heads". */
  label: string;
  /**
   * Which attention `weights` come from: one head, or a layer's mean (`head: null`), so the
   * host can answer editor hovers on other tokens from the same source. Absent for
   * aggregates the host cannot recompute (rollout, word level).
   */
  source?: { layer: number; head: number | null };
  /**
   * `value-weighted` (issue 24): the panel shows value-weighted row shares (its Weights
   * switch), `weights` are those, and hovers on other tokens read the same from the engine
   * (`rowShares`). Absent: attention weights. Sent with or without a focused token.
   */
  shownWeights?: SliceWeights;
  /**
   * `cross`: `index` is a target (decoder) token, which has no source range, and `weights`
   * are its cross-attention over the source tokens. Absent: self-attention over the source.
   */
  attention?: 'cross';
}

/** Notifications webview → host. */
export type WebviewToHost =
  | { type: 'ready'; protocol: number }
  | FocusMessage
  /** Reveal token `index`'s source range in the editor. */
  | { type: 'revealToken'; runId: number; index: number }
  /** Export the attention JSON; empty lists mean "all". */
  | { type: 'exportJson'; runId: number; layers: number[]; heads: number[] }
  /** Save a rendered view; `data` is an SVG string or a PNG data URL. */
  | { type: 'saveImage'; format: 'png' | 'svg'; data: string; suggestedName: string }
  /** Put text (e.g. the current matrix as CSV) on the clipboard. */
  | { type: 'copyText'; text: string; what: string }
  /** Re-run the last inspection (after an edit invalidated it). */
  | { type: 'rerun'; runId: number }
  /** Inspect the same source again with another target (encoder-decoder models). */
  | { type: 'retarget'; runId: number; target: TargetRequest }
  /** Run `record.runId`'s first complete view is on screen (for the log's timings). */
  | { type: 'didDraw'; record: DrawnRecord }
  /** A continuation's fork, or another of its branches (src/protocol/continuationBranches.ts). */
  | ForkMessage
  | ShowBranchMessage;

/** A request about result `runId` of the panel (the host answers only for the result on show). */
export interface RunScoped {
  runId: number;
}

/**
 * What the host serves the webview (request/response; the webview serves nothing). Each
 * call is about the result on show: one of an older run fails with code `stale`, one the
 * engine no longer holds with code `released` (the message says to run the inspection again).
 */
export interface WebviewHostApi {
  [method: string]: (arg: never) => Promise<unknown>;
  /**
   * Thumbnails and head summaries of one layer of attention `kind`; with `units`, thumbnails
   * of the layer as the view groups its tokens (word level, hidden specials).
   */
  overview(
    arg: RunScoped & {
      kind: AttentionKind;
      layer: number;
      units?: ThumbnailUnits;
      /** Thumbnails of value-weighted row shares (issue 24; `LayerOverview.weights`). */
      weights?: SliceWeights;
    },
  ): Promise<PackedOverview>;
  /** `[heads, rows, cols]` of the request (src/engine/types.ts `AttentionSliceRequest`). */
  slice(arg: RunScoped & AttentionSliceRequest): Promise<Float32Array>;
  /** The arithmetic of one head (the Steps view). */
  steps(arg: RunScoped & { kind?: AttentionKind; layer: number; head: number }): Promise<HeadSteps>;
  /** How the model knows order, measured on the result's tokens (the Steps view). */
  positions(arg: RunScoped): Promise<PositionsReport>;
  /** One layer's value norms and head writes (issue 24; value-weighted slices: `slice`). */
  headWrites(arg: RunScoped & { kind: AttentionKind; layer: number }): Promise<HeadWrites>;
  /** A decoder's logit lens at `position`: per layer the top `k` (issue 24). */
  logitLens(arg: RunScoped & { position: number; k: number }): Promise<LogitLensLayer[]>;
  /** Next-token predictions at `rows` of a result with `nextTokens` (issue 22): per row the top `k`. */
  predictions(arg: RunScoped & { rows: number[]; k: number }): Promise<Prediction[][]>;
}
