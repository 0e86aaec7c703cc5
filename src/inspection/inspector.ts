/**
 * Ties a document, its panel, the engine run and the editor mirror together: one panel per
 * document, reused; runs whose results land in that panel; the webview's requests (focus,
 * reveal, export, save, copy, run again); panels coming back after VS Code reloads.
 */
import * as vscode from 'vscode';
import type { InspectResult, Truncation } from '../engine/types';
import type { EditorMirror, MirrorEvent } from '../editor/editorMirror';
import { HeatmapPanel } from '../panel/heatmapPanel';
import type { RestoreInfo, RestoreStore } from '../panel/restoreStore';
import type { FeedState } from '../panel/webviewFeed';
import { wallClockMs } from '../protocol/webview';
import { toFeedResult } from '../panel/webviewFeed';
import type { Config } from '../util/config';
import { viewSettings } from '../util/config';
import type { ResultExporter, ShownResult } from '../export/resultExporter';
import type { InspectionRunner } from './inspectionRunner';
import { describeFailure } from './runMessages';
import { mirrorResult } from './mirrorResult';
import { sameText, sourceLabel, uniqueTitle } from './sourceNames';
import { handleWebviewRequest } from './webviewRequests';

/** What `Inspector` is built from. */
export interface InspectorDeps {
  extensionUri: vscode.Uri;
  runner: InspectionRunner;
  mirror: EditorMirror;
  restore: RestoreStore;
  exporter: ResultExporter;
  config: () => Config;
  /** The model folder the settings name, resolved. */
  modelDir: () => string;
  /** A run the user asked for was cut at the model's context (`base`: the text's offset). */
  truncated: (document: vscode.TextDocument, truncation: Truncation, base: number) => void;
}

interface PanelEntry {
  panel: HeatmapPanel;
  /** The newest run started for this panel; results of older runs are dropped. */
  latestRunId: number;
  shown?: ShownResult;
}

/** One run to put in a panel. */
interface Job {
  text: string;
  label: string;
  modelDir: string;
  quiet: boolean;
  /** The document the text is from, when it is still there to mirror. */
  document?: vscode.TextDocument;
  base: number;
  /** Why the result cannot be mirrored in the editor (revived panel whose file changed). */
  unlinkedReason?: string;
  /** When the command started (wall clock), for the run's trace; default: when it ran. */
  commandAt?: number;
}

export class Inspector implements vscode.Disposable {
  private nextRunId = 1;
  private readonly entries = new Map<string, PanelEntry>();
  private lastKey: string | undefined;
  /** Revived panels run one after another, so they do not supersede each other. */
  private reviving: Promise<unknown> = Promise.resolve();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly deps: InspectorDeps) {
    this.subscription = deps.mirror.onDidChange((event) => this.onMirror(event));
  }

  /** Inspects `range` of `document` into the document's panel, opened beside the editor. */
  inspect(
    document: vscode.TextDocument,
    range: vscode.Range,
    commandAt = wallClockMs(),
  ): Promise<InspectResult | undefined> {
    const entry = this.entryFor(document);
    return this.execute(entry, {
      text: document.getText(range),
      label: sourceLabel(document, range),
      modelDir: this.deps.modelDir(),
      quiet: false,
      document,
      base: document.offsetAt(range.start),
      commandAt,
    });
  }

  /** Brings back a panel VS Code restored after a reload, and runs its inspection again. */
  revive(webviewPanel: vscode.WebviewPanel): void {
    const info = this.deps.restore.get(webviewPanel.title);
    const key =
      info && !this.entries.has(info.uri)
        ? info.uri
        : `attentionInspector:restored/${this.nextRunId}`;
    const entry = this.addEntry(
      new HeatmapPanel(webviewPanel, this.deps.extensionUri, key, this.settings()),
    );
    if (!info) {
      entry.panel.feed.fail(
        undefined,
        'Select some code and run "Attention Inspector: Inspect Attention of Selection" to fill this panel.',
      );
      return;
    }
    this.reviving = this.reviving.then(() => this.reviveRun(entry, info));
  }

  /** The result to export: the active editor's, else the latest shown. */
  currentResult(): ShownResult | undefined {
    const active = vscode.window.activeTextEditor?.document.uri.toString();
    return (
      (active && this.entries.get(active)?.shown) ||
      (this.lastKey ? this.entries.get(this.lastKey)?.shown : undefined)
    );
  }

  /** What a document's panel shows, for tests and diagnostics. */
  panelState(key: string): (FeedState & { valid: boolean }) | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const inspection = this.deps.mirror.get(key);
    return { ...entry.panel.feed.state, valid: inspection?.valid ?? false };
  }

  /** Settings changed: every panel redraws with the new ones. */
  broadcastSettings(): void {
    const settings = this.settings();
    for (const { panel } of this.entries.values()) panel.feed.setSettings(settings);
  }

  /**
   * Stops listening. Panels are left open on purpose: deactivation also happens when the
   * window reloads, and VS Code can only restore panels that were not closed.
   */
  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }

  private entryFor(document: vscode.TextDocument): PanelEntry {
    const key = document.uri.toString();
    const existing = this.entries.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = HeatmapPanel.create(
      this.deps.extensionUri,
      key,
      uniqueTitle(
        document.uri,
        [...this.entries.values()].map((e) => e.panel.panel.title),
      ),
      this.settings(),
    );
    return this.addEntry(panel);
  }

  private addEntry(panel: HeatmapPanel): PanelEntry {
    const entry: PanelEntry = { panel, latestRunId: 0 };
    const { key } = panel;
    const title = panel.panel.title;
    this.entries.set(key, entry);
    const { mirror, exporter } = this.deps;
    panel.onDidReceive((message) =>
      handleWebviewRequest(message, {
        key,
        shown: entry.shown,
        mirror,
        exporter,
        rerun: () => this.rerun(entry),
        steps: { runner: this.deps.runner, answer: (a) => panel.feed.answer(a) },
      }).catch((error: unknown) =>
        vscode.window.showErrorMessage(
          `Attention Inspector: ${error instanceof Error ? error.message : String(error)}`,
        ),
      ),
    );
    panel.onDidDispose(() => {
      this.entries.delete(key);
      this.deps.mirror.forget(key);
      void this.deps.restore.delete(title);
    });
    return entry;
  }

  private async execute(entry: PanelEntry, job: Job): Promise<InspectResult | undefined> {
    const { panel } = entry;
    const runId = this.nextRunId++;
    entry.latestRunId = runId;
    panel.feed.startRun(runId, job.label);
    const version = job.document?.version;
    const commandAt = job.commandAt ?? wallClockMs();
    const requestedAt = wallClockMs();
    const outcome = await this.deps.runner.run({
      text: job.text,
      modelDir: job.modelDir,
      maxTokens: this.deps.config().maxTokens,
      label: job.label,
      quiet: job.quiet,
      abandon: panel.onDidDispose,
    });
    // A panel closed mid-run, or a newer run for it: this result is no longer wanted.
    if (panel.isDisposed || entry.latestRunId !== runId) return undefined;
    if (!outcome.ok) {
      panel.feed.fail(
        runId,
        describeFailure(outcome.code, outcome.message, outcome.byUser).message,
      );
      if (!job.quiet) void this.deps.runner.report(outcome, () => this.execute(entry, job));
      return undefined;
    }
    const { result } = outcome;
    const key = panel.key;
    entry.shown = { runId, result, label: job.label, source: job.document?.uri };
    this.lastKey = key;
    const trace = outcome.cached
      ? { commandAt, postedAt: wallClockMs() }
      : { commandAt, requestedAt, receivedAt: outcome.receivedAt, postedAt: wallClockMs() };
    panel.feed.showResult(toFeedResult(result, runId, job.label, trace));
    const { document, base, text } = { ...job };
    if (document) {
      const label = job.label;
      mirrorResult(this.deps.mirror, key, { runId, document, base, text, result, version, label });
    } else {
      panel.feed.invalidate(runId, job.unlinkedReason ?? 'The source of this result is not open.');
    }
    void this.deps.restore.set(panel.panel.title, {
      uri: key,
      modelDir: job.modelDir,
      text,
      base,
      label: job.label,
    });
    if (result.truncation && !job.quiet && document) {
      this.deps.truncated(document, result.truncation, base);
    }
    return result;
  }

  private async reviveRun(entry: PanelEntry, info: RestoreInfo): Promise<void> {
    let document: vscode.TextDocument | undefined;
    try {
      document = await vscode.workspace.openTextDocument(vscode.Uri.parse(info.uri));
    } catch {
      document = undefined;
    }
    const linked = document !== undefined && sameText(document, info.base, info.text);
    await this.execute(entry, {
      text: info.text,
      label: info.label,
      modelDir: info.modelDir,
      quiet: true,
      document: linked ? document : undefined,
      base: info.base,
      unlinkedReason: document
        ? 'The file changed since this panel was last shown; run the inspection again.'
        : 'The inspected file could not be opened; this result is no longer linked to it.',
    });
  }

  /** Runs the panel's inspection again, on the same stretch of text as edited since. */
  private async rerun(entry: PanelEntry): Promise<void> {
    const inspection = this.deps.mirror.get(entry.panel.key);
    if (
      inspection &&
      !inspection.document.isClosed &&
      inspection.tracked.end > inspection.tracked.start
    ) {
      const { document, tracked } = inspection;
      const range = new vscode.Range(
        document.positionAt(tracked.start),
        document.positionAt(tracked.end),
      );
      await this.inspect(document, range);
    } else if (entry.shown) {
      const { result, label } = entry.shown;
      await this.execute(entry, {
        text: result.text,
        label,
        modelDir: result.model.dir,
        quiet: false,
        base: 0,
      });
    }
  }

  private onMirror(event: MirrorEvent): void {
    const feed = this.entries.get(event.key)?.panel.feed;
    if (!feed) return;
    if (event.type === 'cursor') feed.focusToken(event.runId, event.index);
    else feed.invalidate(event.runId, event.reason);
  }

  private settings() {
    return viewSettings(this.deps.config());
  }
}
