/**
 * The open attention panels, one per document: opening or reusing a document's panel,
 * adopting a panel VS Code restored, routing each panel's webview requests and the editor
 * mirror's events to the right panel, and forgetting a panel when it closes.
 */
import type * as vscode from 'vscode';
import type { TargetRequest } from '../engine/types';
import type { EditorMirror, MirrorEvent } from '../editor/editorMirror';
import type { ResultExporter } from '../export/resultExporter';
import { HeatmapPanel } from '../panel/heatmapPanel';
import type { RestoreStore } from '../panel/restoreStore';
import type { FeedState } from '../panel/webviewFeed';
import type { ViewSettings } from '../protocol/webview';
import type { Logger } from '../util/logger';
import { uniqueTitle } from './sourceNames';
import type { InspectionRunner } from './inspectionRunner';
import type { ShownHeld } from './shownResult';
import { handleWebviewRequest, type RequestContext } from './webviewRequests';
import { webviewQueries } from './webviewQueries';
import { showErrorWithLog } from './showLog';

/** One open panel and the runs it has seen. */
export interface PanelEntry {
  panel: HeatmapPanel;
  /** The newest run started for this panel; results of older runs are dropped. */
  latestRunId: number;
  shown?: ShownHeld;
}

/** What `PanelRegistry` is built from. */
export interface PanelRegistryDeps {
  extensionUri: vscode.Uri;
  mirror: EditorMirror;
  restore: RestoreStore;
  exporter: ResultExporter;
  settings: () => ViewSettings;
  /** Runs a panel's inspection again (the webview's "run again"), with another target if given. */
  rerun: (entry: PanelEntry, target?: TargetRequest) => Promise<void>;
  /** Computes what the Steps view asks for (head steps, positions). */
  runner: InspectionRunner;
  log: Logger;
  /** A continuation's forks and branches, and the focus its ghost text follows (issue 23). */
  continuation: RequestContext['continuation'];
}

export class PanelRegistry implements vscode.Disposable {
  private readonly entries = new Map<string, PanelEntry>();
  private lastShownKey: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly deps: PanelRegistryDeps) {
    this.subscription = deps.mirror.onDidChange((event) => this.onMirror(event));
  }

  /** The document's panel, revealed; a new one beside the editor if it has none. */
  open(document: vscode.TextDocument): PanelEntry {
    const key = document.uri.toString();
    const existing = this.entries.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const titles = [...this.entries.values()].map((e) => e.panel.title);
    const title = uniqueTitle(document.uri, titles);
    const panel = HeatmapPanel.create(this.deps.extensionUri, key, title, this.deps.settings());
    return this.add(panel);
  }

  /** Takes over a panel VS Code restored; `key` is its document's, if that is still free. */
  adopt(webviewPanel: vscode.WebviewPanel, key: string | undefined, fallbackKey: string) {
    const free = key !== undefined && !this.entries.has(key);
    const { extensionUri, settings } = this.deps;
    return this.add(
      new HeatmapPanel(webviewPanel, extensionUri, free ? key : fallbackKey, settings()),
    );
  }

  /** A result is on show in `entry`: it becomes the latest for export; the one before is let go. */
  noteShown(entry: PanelEntry, shown: ShownHeld): void {
    const before = entry.shown;
    const { held } = this.deps.runner;
    held.show(shown.result.resultId);
    if (before) held.hide(before.result.resultId);
    entry.shown = shown;
    this.lastShownKey = entry.panel.key;
  }

  /** The result shown for `key`'s panel, else the latest shown anywhere. */
  shownFor(key: string | undefined): ShownHeld | undefined {
    return (
      (key && this.entries.get(key)?.shown) ||
      (this.lastShownKey ? this.entries.get(this.lastShownKey)?.shown : undefined)
    );
  }

  /** Shows one head of the result `document`'s panel shows, if it has one. */
  showHead(document: vscode.TextDocument, layer: number, head: number): void {
    const entry = this.entries.get(document.uri.toString());
    if (entry?.shown) entry.panel.showHead(entry.shown.runId, layer, head);
  }

  /** What a document's panel shows, for tests and diagnostics. */
  state(key: string): (FeedState & { valid: boolean }) | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    return { ...entry.panel.state, valid: this.deps.mirror.get(key)?.valid ?? false };
  }

  /** Settings changed: every panel redraws with the new ones. */
  broadcastSettings(): void {
    const settings = this.deps.settings();
    for (const { panel } of this.entries.values()) panel.setSettings(settings);
  }

  /**
   * Stops listening. Panels are left open on purpose: deactivation also happens when the
   * window reloads, and VS Code can only restore panels that were not closed.
   */
  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }

  private add(panel: HeatmapPanel): PanelEntry {
    const entry: PanelEntry = { panel, latestRunId: 0 };
    const { key, title } = panel;
    this.entries.set(key, entry);
    const { mirror, exporter, restore, rerun } = this.deps;
    panel.onDidReceive((message) =>
      handleWebviewRequest(message, {
        key,
        shown: entry.shown,
        mirror,
        exporter,
        rerun: (target) => rerun(entry, target),
        engine: this.deps.runner,
        log: this.deps.log,
        continuation: this.deps.continuation,
      }).catch((error: unknown) => {
        this.deps.log.error(error instanceof Error ? error : String(error));
        void showErrorWithLog(
          `Attention Inspector: ${error instanceof Error ? error.message : String(error)}`,
        );
      }),
    );
    panel.serve(webviewQueries(() => entry.shown, this.deps.runner));
    panel.onDidDispose(() => {
      this.entries.delete(key);
      // The engine may let the panel's result go (another panel may still show it).
      if (entry.shown) this.deps.runner.held.hide(entry.shown.result.resultId);
      entry.shown = undefined;
      mirror.forget(key);
      void restore.delete(title);
    });
    return entry;
  }

  private onMirror(event: MirrorEvent): void {
    const panel = this.entries.get(event.key)?.panel;
    if (!panel) return;
    if (event.type === 'cursor') panel.focusToken(event.runId, event.index);
    else panel.invalidate(event.runId, event.reason);
  }
}
