/**
 * What the host has told one webview, kept as a snapshot so it can be told again. A webview
 * without `retainContextWhenHidden` loses its document whenever it is hidden, and messages
 * posted before it says `ready` are lost, so the feed holds back until `ready` and then
 * replays the snapshot: settings, the current result a layer at a time, whether the result is
 * stale, the focused token, a run in progress and the last failure. Pure, no `vscode`.
 *
 * A result's layers go out paced: the next layer only once the webview says it took in and
 * drew the ones before (`onLayersTaken`). Posted all at once, a large result (30 layers of
 * 4.6 MB at 500 tokens) queued ahead of everything sent after it, and in a browser the webview
 * shares the workbench's thread: for tens of seconds a newer run's "started" and its result
 * waited behind an older result's layers (issue 28). Paced, a newer result takes over the
 * delivery at once and the older one's remaining layers are never sent.
 */
import type { InspectResult } from '../engine/types';
import type { HostToWebview, ResultMeta, RunTrace, ViewSettings } from '../protocol/webview';
import { packWeights } from '../shared/weightWire';

/** A finished result as the webview receives it: metadata, then one packed tensor per layer. */
export interface FeedResult {
  meta: ResultMeta;
  /** Per layer, packed for the trip (src/shared/weightWire.ts). */
  attentions: Uint16Array[];
  /** Encoder-decoder results: the decoder side's tensors, packed, sent after the encoder's. */
  seq2seq?: { decoder: Uint16Array[]; cross: Uint16Array[] };
}

/**
 * Splits an engine result into the webview's metadata and per-layer tensors, packed once
 * here (the snapshot is replayed whenever the webview reloads). Of a cut text only the
 * inspected part travels: every token lies in it, and a 10 MB selection would otherwise
 * cross the webview bridge (slow in a remote window) for nothing.
 */
export function toFeedResult(
  result: InspectResult,
  runId: number,
  label: string,
  trace?: RunTrace,
): FeedResult {
  const { attentions, text, seq2seq, ...rest } = result;
  const shown = rest.truncation ? text.slice(0, rest.truncation.inspectedUpTo) : text;
  const meta: ResultMeta = {
    ...rest,
    text: shown,
    runId,
    source: { label },
    ...(trace && { trace }),
  };
  const packed = attentions.map(packWeights);
  if (!seq2seq) return { meta, attentions: packed };
  const { decoderAttentions, crossAttentions, ...decoderMeta } = seq2seq;
  return {
    meta: { ...meta, seq2seq: decoderMeta },
    attentions: packed,
    seq2seq: {
      decoder: decoderAttentions.map(packWeights),
      cross: crossAttentions.map(packWeights),
    },
  };
}

/** A summary of the feed's snapshot. */
export interface FeedState {
  /** The webview said `ready` and has not unloaded since. */
  ready: boolean;
  resultRunId: number | undefined;
  runningRunId: number | undefined;
  /** The result on show is stale (its source changed). */
  invalidated: boolean;
  /** Token focused from the editor cursor, if any. */
  focusedToken: number | null;
  failure: string | undefined;
}

/**
 * Layers of a result posted and not yet confirmed by the webview. Two: the next layer travels
 * while the webview draws one (with one, each layer waited a round trip: 30 layers took
 * 70 s instead of 55 s in code-server), and a newer run waits behind two layers at most.
 */
export const LAYERS_IN_FLIGHT = 2;

/** The result being sent: the messages still to post, and how many layers await the webview. */
interface Delivery {
  runId: number;
  queue: HostToWebview[];
  inFlight: number;
}

export class WebviewFeed {
  private ready = false;
  private delivery: Delivery | undefined;
  private result: FeedResult | undefined;
  private running: { runId: number; label: string } | undefined;
  private failure: { runId?: number; message: string } | undefined;
  private invalidation: { runId: number; reason: string } | undefined;
  private focus: { runId: number; index: number | null } | undefined;

  constructor(
    private readonly post: (message: HostToWebview) => void,
    private settings: ViewSettings,
  ) {}

  /** True between the webview's `ready` and its next unload. */
  get isReady(): boolean {
    return this.ready;
  }

  /** What the webview has been told, for diagnostics and tests. */
  get state(): FeedState {
    return {
      ready: this.ready,
      resultRunId: this.result?.meta.runId,
      runningRunId: this.running?.runId,
      invalidated: this.invalidation !== undefined,
      focusedToken: this.focus?.index ?? null,
      failure: this.failure?.message,
    };
  }

  /** The webview (re)loaded and said `ready`: tell it everything it should show. */
  onReady(): void {
    this.ready = true;
    this.send({ type: 'didChangeSettings', settings: this.settings });
    if (this.result) this.sendResult(this.result);
    if (this.invalidation) this.send({ type: 'didInvalidate', ...this.invalidation });
    if (this.focus) this.send({ type: 'didFocusToken', ...this.focus });
    if (this.running) this.send({ type: 'didStartRun', ...this.running });
    if (this.failure) this.send({ type: 'didFail', ...this.failure });
  }

  /** The webview's document is gone (hidden, reloading): hold messages until `ready`. */
  onUnloaded(): void {
    this.ready = false;
    // A reloaded webview is sent the whole result again (`onReady`).
    this.delivery = undefined;
  }

  /** The webview took in `count` more layers of result `runId`: send the next ones. */
  onLayersTaken(runId: number, count: number): void {
    const delivery = this.delivery;
    // Word from a result the delivery moved on from: its layers no longer hold anything up.
    if (delivery?.runId !== runId) return;
    delivery.inFlight = Math.max(0, delivery.inFlight - count);
    this.pump();
  }

  setSettings(settings: ViewSettings): void {
    this.settings = settings;
    this.send({ type: 'didChangeSettings', settings });
  }

  startRun(runId: number, label: string): void {
    this.running = { runId, label };
    this.failure = undefined;
    this.send({ type: 'didStartRun', runId, label });
  }

  showResult(result: FeedResult): void {
    this.result = result;
    this.running = undefined;
    this.failure = undefined;
    this.invalidation = undefined;
    this.focus = undefined;
    this.sendResult(result);
  }

  /** A run ended without a result; an earlier result, if any, stays on show. */
  fail(runId: number | undefined, message: string): void {
    if (runId !== undefined && this.running && this.running.runId !== runId) return;
    this.running = undefined;
    this.failure = runId === undefined ? { message } : { runId, message };
    this.send({ type: 'didFail', ...this.failure });
  }

  /** The source changed under result `runId`. Ignored for any other run. */
  invalidate(runId: number, reason: string): void {
    if (this.result?.meta.runId !== runId || this.invalidation) return;
    this.invalidation = { runId, reason };
    this.focus = undefined;
    this.send({ type: 'didInvalidate', runId, reason });
  }

  /** The editor cursor moved onto token `index` (null: off the inspected range). */
  focusToken(runId: number, index: number | null): void {
    if (this.result?.meta.runId !== runId || this.invalidation) return;
    if (this.focus && this.focus.index === index) return;
    this.focus = { runId, index };
    this.send({ type: 'didFocusToken', runId, index });
  }

  /** A one-off answer to a webview request; like all messages, dropped while not ready. */
  answer(message: HostToWebview): void {
    this.send(message);
  }

  /** Starts sending `result`; whatever was left of an earlier result's delivery is dropped. */
  private sendResult({ meta, attentions, seq2seq }: FeedResult): void {
    this.delivery = undefined;
    if (!this.ready) return;
    const { runId } = meta;
    // Typed arrays, never lists of numbers: the webview bridge passes them as binary.
    const layers = (tensors: Uint16Array[] = [], kind?: 'decoder' | 'cross'): HostToWebview[] =>
      tensors.map((weights, layer) => ({
        type: 'didProduceLayer',
        runId,
        layer,
        weights,
        ...(kind ? { kind } : {}),
      }));
    const queue: HostToWebview[] = [
      ...layers(attentions),
      ...layers(seq2seq?.decoder, 'decoder'),
      ...layers(seq2seq?.cross, 'cross'),
      { type: 'didFinishResult', runId },
    ];
    this.send({ type: 'didStartResult', meta });
    this.delivery = { runId, queue, inFlight: 0 };
    this.pump();
  }

  /** Posts the delivery's next messages while fewer than `LAYERS_IN_FLIGHT` layers await the webview. */
  private pump(): void {
    const delivery = this.delivery;
    if (!delivery || !this.ready) return;
    while (delivery.queue.length > 0 && delivery.inFlight < LAYERS_IN_FLIGHT) {
      const message = delivery.queue.shift() as HostToWebview;
      if (message.type === 'didProduceLayer') delivery.inFlight++;
      this.send(message);
    }
    // Past the last message: nothing more to send, only confirmations to come.
    if (delivery.queue.length === 0) this.delivery = undefined;
  }

  private send(message: HostToWebview): void {
    if (this.ready) this.post(message);
  }
}
