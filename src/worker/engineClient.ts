/**
 * The host's typed handle on the engine worker. Starts the worker lazily, restarts it
 * after a crash, and gives every run a clear ending: a result, or an `EngineRunError`
 * whose code says why (cancelled, superseded, crashed, badInput, badModel, error).
 */
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import { ENGINE_PROTOCOL_VERSION } from '../protocol/engine';
import type { EngineApi, EngineEvent, HeadStepsCall, InspectRequest } from '../protocol/engine';
import { Rpc, RpcError } from '../protocol/rpc';
import { EngineRunError, runErrorCode } from '../engine/errors';
import type {
  AttentionKind,
  AttentionSliceRequest,
  HeadSteps,
  HeldResult,
  InspectResult,
  LayerOverview,
  ModelInfo,
  PositionsReport,
} from '../engine/types';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';
import { Watchdog } from './watchdog';
import type { WorkerFactory, WorkerHandle } from './workerHandle';

export { EngineRunError } from '../engine/errors';

interface Live {
  handle: WorkerHandle;
  rpc: Rpc<EngineApi, Record<string, never>, EngineEvent>;
  ready: Promise<void>;
  watchdog: Watchdog;
}

/** How long the engine may stay in one stage (runDeadline.ts), and how a user raises it. */
export interface WatchdogOptions {
  /** The base bound in seconds. */
  timeoutSeconds: number;
  /** Ends the message when the bound is hit, e.g. "raise --timeout if the model is just slow". */
  raiseHint: string;
}

const DEFAULT_WATCHDOG: WatchdogOptions = {
  timeoutSeconds: DEFAULT_RUN_TIMEOUT_SECONDS,
  raiseHint: 'raise the run timeout if the model is just slow',
};

export class EngineClient {
  private live: Live | undefined;
  private nextRunId = 1;
  /** Runs whose promise is still open, so `cancel` can settle them at once. */
  private readonly open = new Map<number, (error: EngineRunError) => void>();

  constructor(
    private readonly startWorker: WorkerFactory,
    private readonly bound: WatchdogOptions = DEFAULT_WATCHDOG,
  ) {}

  /** Inspects `text`; any earlier run still open is superseded. */
  inspect(request: Omit<InspectRequest, 'runId'>): {
    runId: number;
    result: Promise<InspectResult>;
  } {
    return this.startRun<InspectResult>('inspect', request);
  }

  /**
   * Inspects `text` and leaves its attention in the engine (issue 22): the result has no
   * tensors; ask `overview` and `slice` by its `resultId`, and `release` it when not shown.
   */
  inspectHeld(request: Omit<InspectRequest, 'runId'>): {
    runId: number;
    result: Promise<HeldResult>;
  } {
    return this.startRun<HeldResult>('inspectHeld', request);
  }

  /** One layer's thumbnails and head summaries of a held result. */
  overview(resultId: number, kind: AttentionKind, layer: number): Promise<LayerOverview> {
    return this.query<LayerOverview>('overview', { resultId, kind, layer }, 'reading attention');
  }

  /** `[heads, rows, cols]` of a held result's attention. */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array> {
    return this.query<Float32Array>('slice', { resultId, ...request }, 'reading attention');
  }

  /** Forgets a held result; a worker that is not running holds nothing to forget. */
  async release(resultId: number): Promise<void> {
    if (!this.live) return;
    await this.live.rpc.call('release', { resultId }).catch(() => undefined);
  }

  private async query<T>(
    method: 'overview' | 'slice',
    arg: Parameters<EngineApi['overview']>[0] | Parameters<EngineApi['slice']>[0],
    doing: string,
  ): Promise<T> {
    // A query never starts a worker: one that is gone held nothing (the result is released).
    const live = this.live;
    if (!live) throw releasedError();
    try {
      await live.ready;
      const call = live.rpc.call(method, arg as never) as Promise<unknown>;
      return (await live.watchdog.watch(call, { label: doing, kind: 'run' })) as T;
    } catch (error) {
      throw toRunError(error);
    }
  }

  private startRun<T>(
    method: 'inspect' | 'inspectHeld',
    request: Omit<InspectRequest, 'runId'>,
  ): { runId: number; result: Promise<T> } {
    const runId = this.nextRunId++;
    for (const [openId, settle] of this.open) {
      settle(new EngineRunError('A newer inspection replaced this one.', 'superseded'));
      this.open.delete(openId);
    }
    const result = new Promise<T>((resolve, reject) => {
      this.open.set(runId, reject);
      this.worker()
        .then((live) =>
          live.watchdog.watch(live.rpc.call(method, { ...request, runId }) as Promise<T>, {
            label: `${request.modelDir}: inspecting`,
            kind: 'load',
          }),
        )
        .then(
          (value) => (this.open.has(runId) ? resolve(value) : undefined),
          (error: unknown) => reject(toRunError(error)),
        )
        .finally(() => this.open.delete(runId));
    });
    return { runId, result };
  }

  /** Loads and validates a model folder without running it. */
  async loadModel(modelDir: string, variant?: GraphVariant): Promise<ModelInfo> {
    const live = await this.worker();
    return live.watchdog
      .watch(live.rpc.call('loadModel', { modelDir, ...(variant ? { variant } : {}) }), {
        label: `${modelDir}: loading`,
        kind: 'load',
      })
      .catch((error: unknown) => {
        throw toRunError(error);
      });
  }

  /** The arithmetic of some heads of an inspected text (the Steps view). */
  async headSteps(call: HeadStepsCall): Promise<HeadSteps[]> {
    const live = await this.worker();
    const stage = { label: `${call.modelDir}: computing steps`, kind: 'load' } as const;
    return live.watchdog.watch(live.rpc.call('headSteps', call), stage).catch((error: unknown) => {
      throw toRunError(error);
    });
  }

  /** How the model knows order, on the ids of an inspected text (the Steps view). */
  async positions(call: Omit<HeadStepsCall, 'requests'>): Promise<PositionsReport> {
    const live = await this.worker();
    const stage = { label: `${call.modelDir}: probing positions`, kind: 'load' } as const;
    return live.watchdog.watch(live.rpc.call('positions', call), stage).catch((error: unknown) => {
      throw toRunError(error);
    });
  }

  /** Ends run `runId` now; the worker drops its result when it finishes. */
  cancel(runId: number): void {
    const settle = this.open.get(runId);
    if (!settle) return;
    this.open.delete(runId);
    settle(new EngineRunError('Inspection cancelled.', 'cancelled'));
    this.live?.rpc.call('cancel', { runId }).catch(() => undefined);
  }

  async dispose(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    for (const settle of this.open.values()) {
      settle(new EngineRunError('The inspector was closed.', 'closed'));
    }
    this.open.clear();
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
    const handle = this.startWorker();
    const rpc = new Rpc<EngineApi, Record<string, never>, EngineEvent>(
      handle.endpoint,
      {},
      { transfer: true },
    );
    const watchdog = new Watchdog(this.bound.timeoutSeconds, (stage, seconds) =>
      this.stop(live, `${stage.label} ran past ${seconds} s`),
    );
    rpc.onEvent((event) => {
      if (event.kind === 'stage') watchdog.enter(event.stage);
    });
    const live: Live = {
      handle,
      rpc,
      watchdog,
      ready: rpc.call('hello', { protocol: ENGINE_PROTOCOL_VERSION }, 60_000).then((reply) => {
        if (reply.protocol !== ENGINE_PROTOCOL_VERSION) {
          throw new EngineRunError(
            `The engine worker speaks protocol ${reply.protocol}, expected ${ENGINE_PROTOCOL_VERSION}; rebuild the extension.`,
            'error',
          );
        }
      }),
    };
    handle.onExit((reason) => {
      if (this.live === live) this.live = undefined;
      watchdog.dispose();
      rpc.rejectAll(
        new EngineRunError(
          `The inference worker stopped unexpectedly (${reason}). Run the command again to start a fresh one.`,
          'crashed',
        ),
      );
      rpc.dispose();
    });
    return live;
  }

  /**
   * Ends a worker stuck past its bound: every open call fails with `what` (which names the
   * file and part), and the next request starts a fresh worker.
   */
  private stop(live: Live, what: string): void {
    if (this.live === live) this.live = undefined;
    const error = new EngineRunError(
      `${what}; the engine was stopped and restarts on the next request (${this.bound.raiseHint}).`,
      'crashed',
    );
    live.rpc.rejectAll(error);
    live.rpc.dispose();
    void live.handle.terminate();
  }
}

function releasedError(): EngineRunError {
  return new EngineRunError(
    'The engine no longer holds this result (it was restarted): run the inspection again.',
    'released',
  );
}

function toRunError(error: unknown): EngineRunError {
  if (error instanceof EngineRunError) return error;
  if (error instanceof RpcError) {
    const run = new EngineRunError(error.message, runErrorCode(error.code));
    // The worker's stack says where it failed; ours would only show this line.
    if (error.remoteStack) run.stack = error.remoteStack;
    return run;
  }
  return new EngineRunError(error instanceof Error ? error.message : String(error), 'error');
}
