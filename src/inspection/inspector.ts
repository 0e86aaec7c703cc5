/**
 * Ties a document, its panel, the engine run and the editor mirror together: one panel per
 * document, reused (`PanelRegistry`); runs whose results land in that panel (`PanelRuns`);
 * running a panel's inspection again; panels coming back after VS Code reloads.
 */
import * as vscode from 'vscode';
import type { GenerationRequest, HeldResult, TargetRequest, Truncation } from '../engine/types';
import type { EditorMirror } from '../editor/editorMirror';
import { trackedRange } from '../editor/inspection';
import type { ResultExporter } from '../export/resultExporter';
import type { SliceSource } from './exportHeld';
import type { ShownHeld } from './shownResult';
import type { RestoreStore } from '../panel/restoreStore';
import type { FeedState } from '../panel/webviewFeed';
import { wallClockMs } from '../protocol/webview';
import type { Config } from '../util/config';
import { viewSettings } from '../util/config';
import type { InspectionRunner } from './inspectionRunner';
import { type PanelEntry, PanelRegistry } from './panelRegistry';
import { PanelRuns } from './panelRuns';
import type { RequestContext } from './webviewRequests';
import type { ContinuationBranches } from '../protocol/continuationBranches';
import type { HeldRegistry } from './heldRegistry';
import { revivedJob } from './revivedJob';
import { sourceLabel } from './sourceNames';
import { targetOf } from './targets';

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

export class Inspector implements vscode.Disposable {
  /** Who answers a continuation's forks, branches and focus (Continue with Attention). */
  continuation: RequestContext['continuation'] | undefined;
  private readonly panels: PanelRegistry;
  private readonly runs: PanelRuns;
  /** Revived panels run one after another, so they do not supersede each other. */
  private reviving: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: InspectorDeps) {
    const { extensionUri, mirror, restore, exporter, config, runner, truncated } = deps;
    this.panels = new PanelRegistry({
      extensionUri,
      mirror,
      restore,
      exporter,
      settings: () => viewSettings(config()),
      rerun: (entry, target) => this.rerun(entry, target),
      runner,
      log: runner.log,
      continuation: async (message) => this.continuation?.(message),
    });
    this.runs = new PanelRuns({
      runner,
      panels: this.panels,
      mirror,
      restore,
      maxTokens: () => config().maxTokens,
      truncated,
    });
  }

  /** Inspects `range` of `document` into the document's panel, opened beside the editor. */
  inspect(
    document: vscode.TextDocument,
    range: vscode.Range,
    commandAt = wallClockMs(),
    target?: TargetRequest,
    generate?: GenerationRequest,
    branches?: ContinuationBranches,
  ): Promise<HeldResult | undefined> {
    return this.runs.run(this.panels.open(document), {
      text: document.getText(range),
      label: sourceLabel(document, range),
      modelDir: this.deps.modelDir(),
      quiet: false,
      document,
      base: document.offsetAt(range.start),
      commandAt,
      target,
      ...(generate ? { generate } : {}),
      ...(branches ? { branches } : {}),
    });
  }

  /** The document's panel shows head `head` of layer `layer` of its result (Find Heads…). */
  showHead(document: vscode.TextDocument, layer: number, head: number): void {
    this.panels.showHead(document, layer, head);
  }

  /** Brings back a panel VS Code restored after a reload, and runs its inspection again. */
  revive(webviewPanel: vscode.WebviewPanel): void {
    const info = this.deps.restore.get(webviewPanel.title);
    const entry = this.panels.adopt(webviewPanel, info?.uri, this.runs.freshKey());
    if (!info) {
      entry.panel.fail(
        undefined,
        'Select some code and run "Attention Inspector: Inspect Attention of Selection" to fill this panel.',
      );
      return;
    }
    this.reviving = this.reviving.then(async () => this.runs.run(entry, await revivedJob(info)));
  }

  /** The result to export: the active editor's, else the latest shown. */
  currentResult(): ShownHeld | undefined {
    return this.panels.shownFor(vscode.window.activeTextEditor?.document.uri.toString());
  }

  /** The results the panels show, and what else keeps them held (a continuation's branches). */
  get held(): HeldRegistry {
    return this.deps.runner.held;
  }

  /** Where a shown result's attention is read from (exports). */
  get engine(): SliceSource {
    return this.deps.runner;
  }

  /** What a document's panel shows, for tests and diagnostics. */
  panelState(key: string): (FeedState & { valid: boolean }) | undefined {
    return this.panels.state(key);
  }

  /** Settings changed: every panel redraws with the new ones. */
  broadcastSettings(): void {
    this.panels.broadcastSettings();
  }

  /** Stops listening; panels stay open so that VS Code can restore them after a reload. */
  dispose(): void {
    this.panels.dispose();
  }

  /** Runs the panel's inspection again, on the text as edited since; same target unless given. */
  private async rerun(entry: PanelEntry, target?: TargetRequest): Promise<void> {
    target ??= entry.shown && targetOf(entry.shown.result);
    const inspection = this.deps.mirror.get(entry.panel.key);
    const range = trackedRange(inspection);
    if (inspection && range) {
      await this.inspect(inspection.document, range, wallClockMs(), target);
    } else if (entry.shown) {
      const { result, label } = entry.shown;
      await this.runs.run(entry, {
        text: result.text,
        label,
        modelDir: result.model.dir,
        quiet: false,
        base: 0,
        target,
      });
    }
  }
}
