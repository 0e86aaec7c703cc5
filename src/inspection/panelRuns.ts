/**
 * One run whose result lands in a panel: the engine run (through the `InspectionRunner`),
 * then the result shown with its trace, handed to the editor mirror, saved for a reload,
 * and a cut input offered a window around the cursor. Results of superseded runs, and of
 * panels closed meanwhile, are dropped.
 */
import type * as vscode from 'vscode';
import type { GenerationRequest, HeldResult, TargetRequest, Truncation } from '../engine/types';
import type { EditorMirror } from '../editor/editorMirror';
import type { RestoreStore } from '../panel/restoreStore';
import { continuationRecordOf } from '../panel/continuationRecord';
import { toFeedResult } from '../panel/webviewFeed';
import { prefetchOverviews } from './overviewPrefetch';
import { wallClockMs } from '../protocol/webview';
import type { ContinuationBranches } from '../protocol/continuationBranches';
import type { InspectionRunner } from './inspectionRunner';
import { mirrorResult } from './mirrorResult';
import type { PanelEntry, PanelRegistry } from './panelRegistry';
import { describeFailure } from './runMessages';

/** One run to put in a panel. */
export interface PanelJob {
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
  /** Encoder-decoder models: the target to decode (default: greedy). */
  target?: TargetRequest;
  /** Decoders: continue the text first (Continue with Attention). */
  generate?: GenerationRequest;
  /** A continuation's branches, shown with its result (issue 23). */
  branches?: ContinuationBranches;
}

/** What `PanelRuns` is built from. */
export interface PanelRunDeps {
  runner: InspectionRunner;
  panels: PanelRegistry;
  mirror: EditorMirror;
  restore: RestoreStore;
  maxTokens: () => number;
  /** A run the user asked for was cut at the model's context (`base`: the text's offset). */
  truncated: (document: vscode.TextDocument, truncation: Truncation, base: number) => void;
}

export class PanelRuns {
  private nextRunId = 1;

  constructor(private readonly deps: PanelRunDeps) {}

  /** A key no document has, for a restored panel whose document already has a panel. */
  freshKey(): string {
    return `attentionInspector:restored/${this.nextRunId}`;
  }

  /** Runs `job` into `entry`'s panel; the result, or undefined if it failed or was dropped. */
  async run(entry: PanelEntry, job: PanelJob): Promise<HeldResult | undefined> {
    const { panel } = entry;
    const runId = this.nextRunId++;
    entry.latestRunId = runId;
    panel.startRun(runId, job.label);
    const version = job.document?.version;
    const commandAt = job.commandAt ?? wallClockMs();
    const requestedAt = wallClockMs();
    const outcome = await this.deps.runner.run({
      text: job.text,
      modelDir: job.modelDir,
      maxTokens: this.deps.maxTokens(),
      label: job.label,
      quiet: job.quiet,
      abandon: panel.onDidDispose,
      target: job.target,
      ...(job.generate ? { generate: job.generate } : {}),
    });
    // A panel closed mid-run, or a newer run for it: this result is no longer wanted.
    if (panel.isDisposed || entry.latestRunId !== runId) {
      if (outcome.ok) this.deps.runner.held.drop(outcome.result);
      return undefined;
    }
    if (!outcome.ok) {
      panel.fail(runId, describeFailure(outcome.code, outcome.message, outcome.byUser).message);
      if (!job.quiet) void this.deps.runner.report(outcome, () => this.run(entry, job));
      return undefined;
    }
    const { result } = outcome;
    const overviews = await prefetchOverviews(this.deps.runner, result);
    if (panel.isDisposed || entry.latestRunId !== runId) {
      this.deps.runner.held.drop(result);
      return undefined;
    }
    const { key } = panel;
    const { document, base, text, label } = job;
    this.deps.panels.noteShown(entry, { runId, result, label, source: document?.uri });
    const trace = outcome.cached
      ? { commandAt, postedAt: wallClockMs() }
      : { commandAt, requestedAt, receivedAt: outcome.receivedAt, postedAt: wallClockMs() };
    const feed = toFeedResult(result, runId, label, trace, overviews);
    panel.showResult(job.branches ? { meta: { ...feed.meta, branches: job.branches } } : feed);
    if (document) {
      mirrorResult(this.deps.mirror, key, { runId, document, base, text, result, version, label });
    } else {
      panel.invalidate(runId, job.unlinkedReason ?? 'The source of this result is not open.');
    }
    const shownBranch = job.branches?.list[job.branches.shown];
    const continuation =
      job.generate && result.generation
        ? continuationRecordOf(job.generate, result.generation, shownBranch)
        : undefined;
    void this.deps.restore.set(panel.title, {
      uri: key,
      modelDir: job.modelDir,
      text,
      base,
      label,
      ...(job.target ? { target: job.target } : {}),
      ...(continuation ? { continuation } : {}),
    });
    if (result.truncation && !job.quiet && document) {
      this.deps.truncated(document, result.truncation, base);
    }
    return result;
  }
}
