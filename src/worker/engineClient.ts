/**
 * The host's typed handle on the engine (a child process or a worker thread). Starts it
 * lazily, replaces it after a crash or an out-of-memory (at once with `restartAfterCrash`),
 * and gives every run a clear ending: a result, or an `EngineRunError` whose code says why
 * (cancelled, superseded, crashed, badInput, badModel, error).
 */
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import type { EngineApi, HeadStepsCall, HeldQuestion, InspectRequest } from '../protocol/engine';
import { EngineRunError } from '../engine/errors';
import type {
  AttentionKind,
  AttentionSliceRequest,
  HeadSteps,
  HeldResult,
  InspectResult,
  LayerOverview,
  ModelInfo,
  PositionsReport,
  SliceWeights,
  ThumbnailUnits,
} from '../engine/types';
import { engineFailureMessage, isOutOfMemory, memorySentence } from './engineFailure';
import { type ClientOptions, DEFAULT_WATCHDOG, type WatchdogOptions } from './clientOptions';
import { releasedError, toRunError } from './runErrors';
import { type Live, startLive } from './liveEngine';
import { OpenRuns } from './openRuns';
import { StageFeed } from './stageFeed';
import type { WorkerFactory } from './workerHandle';

export { EngineRunError } from '../engine/errors';
export type { ClientOptions, WatchdogOptions } from './clientOptions';

export class EngineClient {
  private live: Live | undefined;
  private nextRunId = 1;
  /** Runs whose promise is still open, so `cancel` can settle them at once. */
  private readonly open = new OpenRuns();
  /** Every stage the engine announces, for progress. */
  readonly stages = new StageFeed();

  constructor(
    private readonly startWorker: WorkerFactory,
    private readonly bound: WatchdogOptions = DEFAULT_WATCHDOG,
    private readonly options: ClientOptions = { surface: 'cli' },
  ) {}

  /** Inspects `text`; any earlier run still open is superseded. */
  inspect(request: Omit<InspectRequest, 'runId'>): {
    runId: number;
    result: Promise<InspectResult>;
  } {
    return this.run('inspect', request);
  }

  /** Like `inspect`, but the attention stays in the engine: ask `slice` for it by `resultId`. */
  inspectHeld(request: Omit<InspectRequest, 'runId'>): {
    runId: number;
    result: Promise<HeldResult>;
  } {
    return this.run('inspectHeld', request);
  }

  /** One layer's thumbnails and head summaries of a held result. */
  overview(
    resultId: number,
    kind: AttentionKind,
    layer: number,
    units?: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview> {
    const doing = `summarising layer ${layer} of the ${kind} attention`;
    const arg = { resultId, kind, layer, units, ...(weights ? { weights } : {}) };
    return this.query(doing, (rpc) => rpc.call('overview', arg));
  }

  /** `[heads, rows, cols]` of a held result's attention. */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    const doing = `slicing layer ${request.layer} of the ${request.kind} attention`;
    return this.query(doing, (rpc) => rpc.call('slice', { resultId, ...request }));
  }

  /** A small question about a held result (`HeldQuestion`). */
  askHeld<M extends HeldQuestion>(method: M, arg: Parameters<EngineApi[M]>[0]) {
    const call = (rpc: Live['rpc']) => rpc.call(method, arg) as Promise<unknown>;
    return this.query(`reading ${method}`, call) as ReturnType<EngineApi[M]>;
  }

  /** Forgets a held result; an engine that is not running holds nothing to forget. */
  async release(resultId: number): Promise<void> {
    await this.live?.rpc.call('release', { resultId }).catch(() => undefined);
  }

  /** A question about a held result: it never starts an engine (one that is gone held nothing). */
  private query<T>(doing: string, call: (rpc: Live['rpc']) => Promise<T>): Promise<T> {
    if (!this.live) return Promise.reject(releasedError());
    return this.request(undefined, doing, call);
  }

  /** No inspection is waiting for its result (a prewarm's run must not supersede one). */
  get idle(): boolean {
    return this.open.size === 0;
  }

  /** Starts the engine if it is not running and waits for its handshake (a prewarm). */
  async start(): Promise<void> {
    await this.request(undefined, 'starting', async () => undefined);
  }

  /** Releases every model the engine holds but `keep` (the one selected); none if not started. */
  async evict(keep?: { modelDir: string; variant?: GraphVariant }): Promise<void> {
    if (!this.live) return;
    await this.request(keep?.modelDir, 'releasing other models', (rpc) =>
      rpc.call('evict', keep ? { keep } : {}),
    );
  }

  private run<M extends 'inspect' | 'inspectHeld'>(
    method: M,
    request: Omit<InspectRequest, 'runId'>,
  ): { runId: number; result: ReturnType<EngineApi[M]> } {
    type Result = Awaited<ReturnType<EngineApi[M]>>;
    const runId = this.nextRunId++;
    this.open.endAll(
      () => new EngineRunError('A newer inspection replaced this one.', 'superseded'),
    );
    const result = this.open.track(runId, () =>
      this.request(
        request.modelDir,
        'inspecting',
        (rpc) => rpc.call(method, { ...request, runId }) as Promise<Result>,
      ),
    );
    return { runId, result: result as ReturnType<EngineApi[M]> };
  }

  /** Loads and validates a model folder without running it. */
  loadModel(modelDir: string, variant?: GraphVariant): Promise<ModelInfo> {
    return this.request(modelDir, 'loading', (rpc) =>
      rpc.call('loadModel', { modelDir, ...(variant ? { variant } : {}) }),
    );
  }

  /** The arithmetic of some heads of an inspected text (the Steps view). */
  headSteps(call: HeadStepsCall): Promise<HeadSteps[]> {
    return this.request(call.modelDir, 'computing steps', (rpc) => rpc.call('headSteps', call));
  }

  /** How the model knows order, on the ids of an inspected text (the Steps view). */
  positions(call: Omit<HeadStepsCall, 'requests'>): Promise<PositionsReport> {
    return this.request(call.modelDir, 'probing positions', (rpc) => rpc.call('positions', call));
  }

  /** A head scan's call, prepared by headScanCall.ts (issue 25), under the watchdog. */
  scan<T>(call: { dir?: string; doing: string; run: (rpc: Live['rpc']) => Promise<T> }) {
    return this.request(call.dir, call.doing, call.run);
  }

  /** One call to the engine under the watchdog; every failure ends as an `EngineRunError`. */
  private async request<T>(
    /** The folder the call is about; absent: the one of the last request (a held result's). */
    modelDir: string | undefined,
    doing: string,
    call: (rpc: Live['rpc']) => Promise<T>,
  ): Promise<T> {
    let live: Live | undefined;
    try {
      live = await this.worker();
      if (modelDir !== undefined) live.work = { modelDir };
      return await live.watchdog.watch(call(live.rpc), {
        label: `${live.work.modelDir ?? 'the engine'}: ${doing}`,
        kind: 'load',
      });
    } catch (error) {
      throw this.failure(live, error);
    }
  }

  /** Ends run `runId` now; the worker drops its result when it finishes. */
  cancel(runId: number): void {
    if (!this.open.end(runId, () => new EngineRunError('Inspection cancelled.', 'cancelled'))) {
      return;
    }
    const live = this.live;
    if (live && this.stopsForCancel(live)) {
      this.end(
        live,
        new EngineRunError(
          'Inspection cancelled: the engine was stopped in the middle of its run to free its memory; a fresh one starts for the next request.',
          'cancelled',
        ),
      );
      return;
    }
    live?.rpc.call('cancel', { runId }).catch(() => undefined);
  }

  /** The engine is deep in a run or a load that nothing else waits for (options). */
  private stopsForCancel(live: Live): boolean {
    const after = this.options.stopRunOnCancelAfterMs;
    const busy = live.watchdog.busy();
    if (after === undefined || !busy || this.open.size > 0) return false;
    return busy.stage.kind !== 'text' && busy.ms >= after;
  }

  async dispose(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    this.open.endAll(() => new EngineRunError('The inspector was closed.', 'closed'));
    if (live) {
      live.watchdog.dispose();
      live.rpc.dispose();
      await live.handle.terminate();
    }
  }

  private worker(): Promise<Live> {
    if (!this.live) this.live = this.spawn();
    return this.live.ready.then(() => this.live as Live);
  }

  private spawn(): Live {
    return startLive(this.startWorker, this.bound.timeoutSeconds, {
      expired: (live, what) => this.stop(live, what),
      staged: (stage) => this.stages.emit(stage),
      exited: (live, reason) => {
        live.rpc.rejectAll(
          new EngineRunError(
            engineFailureMessage(reason, live.work, this.options.surface),
            'crashed',
          ),
        );
        live.rpc.dispose();
        this.replace(live);
      },
    });
  }

  /**
   * The error a call ends with. An engine that ran out of memory inside a run (WASM's
   * `bad_alloc`, which the engine reports as a failed run: the process lives on, its heap
   * spent and never shrinking) is stopped, so the next request starts a fresh one with its
   * memory back.
   */
  private failure(live: Live | undefined, error: unknown): EngineRunError {
    const run = toRunError(error);
    const inRun = run.code === 'error' || run.code === 'badModel';
    if (!live || !inRun || !isOutOfMemory(run.message)) return run;
    const reason = memorySentence(run.message);
    const spent = new EngineRunError(
      engineFailureMessage(reason, live.work, this.options.surface),
      'crashed',
    );
    spent.stack = run.stack;
    this.end(live, spent);
    return spent;
  }

  /**
   * Ends a worker stuck past its bound: every open call fails with `what` (which names the
   * file and part), and the next request starts a fresh worker.
   */
  private stop(live: Live, what: string): void {
    const error = new EngineRunError(
      `${what}; the engine was stopped and restarts on the next request (${this.bound.raiseHint}).`,
      'crashed',
    );
    this.end(live, error);
  }

  /** Stops `live`, failing its open calls with `error`; the next request starts a fresh one. */
  private end(live: Live, error: EngineRunError): void {
    live.watchdog.dispose();
    live.rpc.rejectAll(error);
    live.rpc.dispose();
    void live.handle.terminate();
    this.replace(live);
  }

  /** `live` is gone: the next request starts a fresh engine, or one starts now (options). */
  private replace(live: Live): void {
    if (this.live !== live) return;
    this.live = undefined;
    // Only an engine that had started: one dying at start-up would only die again.
    if (this.options.restartAfterCrash && live.started) {
      this.live = this.spawn();
      this.live.ready.catch(() => undefined);
    }
  }
}
