/**
 * What the host has told one webview, kept as a snapshot so it can be told again. A webview
 * without `retainContextWhenHidden` loses its document whenever it is hidden, and messages
 * posted before it says `ready` are lost, so the feed holds back until `ready` and then
 * replays the snapshot: settings, the current result's metadata, whether the result is
 * stale, the focused token, a run in progress and the last failure. Pure, no `vscode`.
 *
 * No attention travels here (issue 22): the engine holds it, and the webview asks for each
 * layer's overview and the slices it shows (src/protocol/webview.ts `WebviewHostApi`). The
 * pacing that kept a newer run from waiting behind an older result's layers (issue 28) is
 * now the webview's: it asks for a couple of overviews at a time and stops asking for an
 * older result's the moment a newer one starts (webview/overviewPull.ts).
 */
import type { HeldResult, LayerOverview } from '../engine/types';
import { packOverview } from '../protocol/overviewWire';
import type { HostToWebview, ResultMeta, RunTrace, ViewSettings } from '../protocol/webview';

/** A finished result as the webview receives it: metadata and the stacks, no tensors. */
export interface FeedResult {
  meta: ResultMeta;
}

/**
 * The webview's metadata of a held result. Of a cut text only the inspected part travels:
 * every token lies in it, and a 10 MB selection would otherwise cross the webview bridge
 * (slow in a remote window) for nothing.
 */
export function toFeedResult(
  result: HeldResult,
  runId: number,
  label: string,
  trace?: RunTrace,
  overviews?: LayerOverview[],
): FeedResult {
  const { text, resultId: _resultId, ...rest } = result;
  const shown = rest.truncation ? text.slice(0, rest.truncation.inspectedUpTo) : text;
  return {
    meta: {
      ...rest,
      text: shown,
      runId,
      source: { label },
      ...(trace && { trace }),
      ...(overviews && { overviews: overviews.map((o) => packOverview(o, result.stacks)) }),
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

export class WebviewFeed {
  private ready = false;
  private result: FeedResult | undefined;
  private running: { runId: number; label: string } | undefined;
  private failure: { runId?: number; message: string } | undefined;
  private invalidation: { runId: number; reason: string } | undefined;
  private focus: { runId: number; index: number | null } | undefined;
  private head: { runId: number; layer: number; head: number } | undefined;

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
    if (this.head) this.send({ type: 'didShowHead', ...this.head });
    if (this.running) this.send({ type: 'didStartRun', ...this.running });
    if (this.failure) this.send({ type: 'didFail', ...this.failure });
  }

  /** The webview's document is gone (hidden, reloading): hold messages until `ready`. */
  onUnloaded(): void {
    // A reloaded webview is sent the result again (`onReady`) and asks for its overviews.
    this.ready = false;
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
    this.head = undefined;
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

  /** Shows head `head` of layer `layer` of the result on show (ignored for another run). */
  showHead(runId: number, layer: number, head: number): void {
    if (this.result?.meta.runId !== runId) return;
    this.head = { runId, layer, head };
    this.send({ type: 'didShowHead', runId, layer, head });
  }

  private sendResult({ meta }: FeedResult): void {
    this.send({ type: 'didStartResult', meta });
  }

  private send(message: HostToWebview): void {
    if (this.ready) this.post(message);
  }
}
