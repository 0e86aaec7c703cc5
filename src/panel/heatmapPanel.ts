/**
 * One attention panel: a webview beside its source editor, a strict CSP shell, the typed
 * channel to the webview script, and the feed that (re)sends the current result whenever the
 * webview (re)loads.
 */
import * as vscode from 'vscode';
import { Rpc } from '../protocol/rpc';
import { WEBVIEW_PROTOCOL_VERSION } from '../protocol/webview';
import type {
  HostToWebview,
  ViewSettings,
  WebviewHostApi,
  WebviewToHost,
} from '../protocol/webview';
import type { FeedResult, FeedState } from './webviewFeed';
import { makeNonce } from '../util/nonce';
import { renderHtml } from './html';
import { WebviewFeed } from './webviewFeed';
import { webviewEndpoint } from './webviewEndpoint';

/** The panel's view type; `onWebviewPanel:attentionInspector.heatmap` revives it. */
export const VIEW_TYPE = 'attentionInspector.heatmap';

/** Options for a new or revived panel: scripts on, assets only from dist/ and media/. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export class HeatmapPanel {
  /** Creates a panel beside the active editor without taking focus from it. */
  static create(
    extensionUri: vscode.Uri,
    key: string,
    title: string,
    settings: ViewSettings,
  ): HeatmapPanel {
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      // Hidden panels drop their document; the feed replays the result when they come back.
      { ...webviewOptions(extensionUri), retainContextWhenHidden: false },
    );
    return new HeatmapPanel(panel, extensionUri, key, settings);
  }

  private readonly feed: WebviewFeed;
  private readonly rpc: Rpc<Record<string, never>, WebviewHostApi, WebviewToHost, HostToWebview>;
  /** What the panel answers the webview's calls with (`serve`); empty until then. */
  private readonly served: Partial<WebviewHostApi> = {};
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly _onDidReceive = new vscode.EventEmitter<WebviewToHost>();
  /** Every message from the webview script except `ready` (the feed's). */
  readonly onDidReceive = this._onDidReceive.event;
  private readonly _onDidDispose = new vscode.EventEmitter<void>();
  readonly onDidDispose = this._onDidDispose.event;
  private readonly _onDidBecomeReady = new vscode.EventEmitter<void>();
  /** The webview script loaded (again) and was sent the current state. */
  readonly onDidBecomeReady = this._onDidBecomeReady.event;
  private disposed = false;

  /** Wraps `panel` (new or revived) and loads the webview script into it. */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    /** The source document's URI string: one panel per document. */
    readonly key: string,
    settings: ViewSettings,
  ) {
    const { webview } = panel;
    webview.options = webviewOptions(extensionUri);
    this.rpc = new Rpc(webviewEndpoint(webview), this.served);
    this.feed = new WebviewFeed((message) => this.rpc.notify(message), settings);
    this.subscriptions.push(
      { dispose: this.rpc.onEvent((message) => this.receive(message)) },
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (!webviewPanel.visible) this.feed.onUnloaded();
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    const asset = (file: string): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: asset('webview.js'),
      styleUri: asset('webview.css'),
      title: panel.title,
    });
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The tab's title, unique among open panels (it names the panel's saved state). */
  get title(): string {
    return this.panel.title;
  }

  /** What the webview has been told, for tests and diagnostics. */
  get state(): FeedState {
    return this.feed.state;
  }

  /** The view settings changed: the webview redraws with them. */
  setSettings(settings: ViewSettings): void {
    this.feed.setSettings(settings);
  }

  /** A run for this panel started (`label` names what it inspects). */
  startRun(runId: number, label: string): void {
    this.feed.startRun(runId, label);
  }

  showResult(result: FeedResult): void {
    this.feed.showResult(result);
  }

  /** A run (or, without `runId`, the panel as a whole) has nothing to show, and why. */
  fail(runId: number | undefined, message: string): void {
    this.feed.fail(runId, message);
  }

  /** The result of `runId` no longer matches its source, and why. */
  invalidate(runId: number, reason: string): void {
    this.feed.invalidate(runId, reason);
  }

  /** The editor cursor moved onto token `index` of `runId`'s result (null: off it). */
  focusToken(runId: number, index: number | null): void {
    this.feed.focusToken(runId, index);
  }

  /** Shows one head of `runId`'s result in the matrix view. */
  showHead(runId: number, layer: number, head: number): void {
    this.feed.showHead(runId, layer, head);
  }

  /** Answers the webview's calls (overviews, slices, steps) with `api` from now on. */
  serve(api: WebviewHostApi): void {
    Object.assign(this.served, api);
  }

  /** Shows the panel where it is, leaving the focus in the editor. */
  reveal(): void {
    if (!this.disposed) this.panel.reveal(this.panel.viewColumn, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rpc.dispose();
    this.subscriptions.forEach((subscription) => {
      subscription.dispose();
    });
    this._onDidDispose.fire();
    [this._onDidReceive, this._onDidDispose, this._onDidBecomeReady].forEach((emitter) => {
      emitter.dispose();
    });
    this.panel.dispose();
  }

  private receive(message: WebviewToHost): void {
    if (message.type !== 'ready') {
      this._onDidReceive.fire(message);
      return;
    }
    if (message.protocol !== WEBVIEW_PROTOCOL_VERSION) {
      void vscode.window.showErrorMessage(
        `Attention Inspector: the panel script speaks protocol ${message.protocol}, ` +
          `the extension ${WEBVIEW_PROTOCOL_VERSION}. Rebuild (npm run build) and reload the window.`,
      );
    }
    this.feed.onReady();
    this._onDidBecomeReady.fire();
  }
}
