/**
 * Runs one inspection in the engine worker: a cancellable progress notification (or just a
 * status bar spinner for quiet runs), cancellation when the user or the panel asks, the
 * results panels show (metadata only: the engine holds the attention, issue 22), and the
 * status bar. Every run ends in a `RunOutcome`; nothing throws.
 */
import * as vscode from 'vscode';
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import type {
  AttentionKind,
  AttentionSliceRequest,
  GenerationRequest,
  HeadSteps,
  HeadStepsRequest,
  HeldResult,
  LayerOverview,
  PositionsReport,
  SliceWeights,
  TargetRequest,
  ThumbnailUnits,
} from '../engine/types';
import { EngineRunError } from '../engine/errors';
import type { RunErrorCode } from '../engine/errors';
import type { EngineApi, HeldQuestion } from '../protocol/engine';
import { wallClockMs } from '../protocol/webview';
import type { ResultInfo } from '../shared/resultInfo';
import { type Logger, SILENT_LOGGER } from '../util/logger';
import type { EngineHost } from '../worker/engineHost';
import { HeldRegistry } from './heldRegistry';
import type { ModelStatusBar } from './modelStatusBar';
import { inspectionLine, modelLoadLines } from './runLog';
import { describeFailure } from './runMessages';
import { showErrorWithLog } from './showLog';
import { StageProgress } from './stageProgress';

/** One inspection to run. */
export interface RunRequest {
  text: string;
  modelDir: string;
  maxTokens: number;
  /** Where the text came from, for progress and messages ("file.ts:12–40"). */
  label: string;
  /** True: no notification, only the status bar (panels coming back after a reload). */
  quiet: boolean;
  /** Fires when the run is no longer wanted (its panel closed): cancelled without a message. */
  abandon: vscode.Event<void>;
  /** Encoder-decoder models: the target to decode (the engine's default when absent). */
  target?: TargetRequest;
  /** Decoders: continue the text first (Continue with Attention). */
  generate?: GenerationRequest;
}

/** How a run ended. */
export type RunOutcome =
  | { ok: true; result: HeldResult; cached: boolean; receivedAt?: number }
  | { ok: false; code: RunErrorCode; message: string; byUser: boolean; stack?: string };

export class InspectionRunner {
  /** The results panels show; a re-run of the same text while one is shown reuses it. */
  readonly held: HeldRegistry;

  constructor(
    private readonly engines: EngineHost,
    private readonly statusBar: ModelStatusBar,
    /** The graph variant setting (`attentionInspector.modelVariant`), read per run. */
    private readonly variant: () => GraphVariant | undefined = () => undefined,
    /** The output channel "Attention Inspector" (what loaded, where the time went, failures). */
    readonly log: Logger = SILENT_LOGGER,
  ) {
    this.held = new HeldRegistry({
      slice: (resultId, request) => this.engines.engine.slice(resultId, request),
      release: (resultId) => this.engines.engine.release(resultId),
    });
  }

  /** Models whose load was logged, by folder and variant: each is described once per worker. */
  private readonly loggedModels = new Set<string>();

  async run(request: RunRequest): Promise<RunOutcome> {
    const target = JSON.stringify([request.target, request.generate]);
    const key = `${request.modelDir}\u0000${this.variant() ?? ''}\u0000${request.maxTokens}\u0000${target}\u0000${request.text}`;
    const cached = await this.held.reuse(key);
    if (cached) {
      this.statusBar.finished(cached);
      return { ok: true, result: cached, cached: true };
    }
    this.statusBar.running(request.label);
    const outcome = await (request.quiet
      ? vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Inspecting attention' },
          (progress) => this.runInWorker(request, undefined, progress),
        )
      : vscode.window.withProgress(
          {
            location: vscode.ProgressLocation.Notification,
            title: `${request.generate ? 'Continuing' : 'Inspecting attention of'} ${request.label}`,
            cancellable: true,
          },
          (progress, token) => this.runInWorker(request, token, progress),
        ));
    if (outcome.ok) {
      this.held.add(key, outcome.result);
      this.statusBar.finished(outcome.result);
    } else {
      this.statusBar.idle();
    }
    this.logOutcome(request.label, outcome);
    return outcome;
  }

  private logOutcome(label: string, outcome: RunOutcome): void {
    if (!outcome.ok) {
      const line = `inspection of ${label} ended without a result (${outcome.code}): ${outcome.message}`;
      if (outcome.code === 'superseded' || outcome.code === 'cancelled') this.log.info(line);
      else this.log.error(line);
      if (outcome.stack) this.log.debug(outcome.stack);
      return;
    }
    const { result } = outcome;
    const modelKey = `${result.model.dir}\u0000${result.model.graphFile ?? ''}`;
    // A model already in memory still reports a fraction of a millisecond of waiting.
    if ((result.timings.loadMs ?? 0) >= 1 || !this.loggedModels.has(modelKey)) {
      this.loggedModels.add(modelKey);
      for (const line of modelLoadLines(result)) this.log.info(line);
    }
    this.log.info(inspectionLine(label, result, outcome.cached));
  }

  /** Tells the user how a failed run ended; `retry` runs it again. */
  async report(outcome: Extract<RunOutcome, { ok: false }>, retry: () => unknown): Promise<void> {
    const report = describeFailure(outcome.code, outcome.message, outcome.byUser);
    const buttons = report.actions.map((action) =>
      action === 'retry' ? 'Try Again' : 'Select Model…',
    );
    let choice: string | undefined;
    if (report.severity === 'error') choice = await showErrorWithLog(report.message, ...buttons);
    else if (report.severity === 'warning')
      choice = await vscode.window.showWarningMessage(report.message, ...buttons);
    else if (report.severity === 'info')
      choice = await vscode.window.showInformationMessage(report.message, ...buttons);
    if (choice === 'Try Again') retry();
    if (choice === 'Select Model…')
      await vscode.commands.executeCommand('attentionInspector.selectModel');
  }

  /** One layer's thumbnails and head summaries of a held result. */
  overview(
    resultId: number,
    kind: AttentionKind,
    layer: number,
    units?: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview> {
    return this.engines.engine.overview(resultId, kind, layer, units, weights);
  }

  /** `[heads, rows, cols]` of a held result's attention. */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    return this.engines.engine.slice(resultId, request);
  }

  /** A small question about a held result (`HeldQuestion`). */
  askHeld<M extends HeldQuestion>(method: M, arg: Parameters<EngineApi[M]>[0]) {
    return this.engines.engine.askHeld(method, arg);
  }

  /** The arithmetic of some heads of `result`, from the graph variant its runs use. */
  headSteps(result: ResultInfo, requests: HeadStepsRequest[]): Promise<HeadSteps[]> {
    const variant = this.variant();
    return this.engines.engine.headSteps({
      modelDir: result.model.dir,
      ids: result.tokens.map((t) => t.id),
      ...(result.seq2seq ? { decoderIds: result.seq2seq.decoderTokens.map((t) => t.id) } : {}),
      requests,
      ...(variant ? { variant } : {}),
    });
  }

  /** How the model of `result` knows order, measured on its tokens. */
  positions(result: ResultInfo): Promise<PositionsReport> {
    const variant = this.variant();
    return this.engines.engine.positions({
      modelDir: result.model.dir,
      ids: result.tokens.map((t) => t.id),
      ...(variant ? { variant } : {}),
    });
  }

  /** Re-runs run again, e.g. after a model folder was replaced. */
  clearCache(): void {
    this.held.clear();
  }

  private async runInWorker(
    request: RunRequest,
    token?: vscode.CancellationToken,
    progress?: vscode.Progress<{ message?: string }>,
  ): Promise<RunOutcome> {
    const engine = this.engines.engine;
    const stages = new StageProgress();
    const shown = engine.stages.listen((stage) => {
      const message = stages.next(stage);
      if (message) progress?.report({ message });
    });
    const { runId, result } = engine.inspectHeld({
      modelDir: request.modelDir,
      text: request.text,
      maxTokens: request.maxTokens,
      ...(this.variant() ? { variant: this.variant() } : {}),
      ...(request.target ? { target: request.target } : {}),
      ...(request.generate ? { generate: request.generate } : {}),
    });
    let byUser = false;
    const subscriptions = [
      token?.onCancellationRequested(() => {
        byUser = true;
        engine.cancel(runId);
      }),
      request.abandon(() => engine.cancel(runId)),
      shown,
    ];
    try {
      const received = await result;
      return { ok: true, result: received, cached: false, receivedAt: wallClockMs() };
    } catch (error) {
      const runError =
        error instanceof EngineRunError
          ? error
          : new EngineRunError(error instanceof Error ? error.message : String(error), 'error');
      const stack = runError.stack;
      return {
        ok: false,
        code: runError.code,
        message: runError.message,
        byUser,
        ...(stack ? { stack } : {}),
      };
    } finally {
      subscriptions.forEach((subscription) => {
        subscription?.dispose();
      });
    }
  }
}
