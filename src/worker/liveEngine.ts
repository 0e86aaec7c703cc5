/**
 * One running engine as the client sees it: its handle, the typed RPC over its endpoint, the
 * watchdog fed by the stages it announces, and what it was last asked (for crash messages).
 */
import { EngineRunError } from '../engine/errors';
import type { EngineStage } from '../engine/stage';
import { ENGINE_PROTOCOL_VERSION } from '../protocol/engine';
import type { EngineApi, EngineEvent } from '../protocol/engine';
import { Rpc } from '../protocol/rpc';
import type { EngineWork } from './engineFailure';
import { Watchdog } from './watchdog';
import type { WorkerFactory, WorkerHandle } from './workerHandle';

export interface Live {
  handle: WorkerHandle;
  rpc: Rpc<EngineApi, Record<string, never>, EngineEvent>;
  ready: Promise<void>;
  watchdog: Watchdog;
  /** What the engine was last asked and announced: the crash message names it. */
  work: EngineWork;
  /** The handshake succeeded: the engine had started. */
  started: boolean;
}

export interface LiveEndings {
  /** A stage ran past its deadline (`what` names it). */
  expired(live: Live, what: string): void;
  /** The process or thread ended by itself (`reason`: its exit code or signal, in words). */
  exited(live: Live, reason: string): void;
  /** The engine announced a stage (progress for people). */
  staged(stage: EngineStage): void;
}

/** Starts an engine and shakes hands; `ready` rejects when it speaks another protocol. */
export function startLive(
  startWorker: WorkerFactory,
  timeoutSeconds: number,
  endings: LiveEndings,
): Live {
  const handle = startWorker();
  const rpc = new Rpc<EngineApi, Record<string, never>, EngineEvent>(
    handle.endpoint,
    {},
    { transfer: true },
  );
  const watchdog = new Watchdog(timeoutSeconds, (stage, seconds) =>
    endings.expired(live, `${stage.label} ran past ${seconds} s`),
  );
  rpc.onEvent((event) => {
    if (event.kind !== 'stage') return;
    watchdog.enter(event.stage);
    endings.staged(event.stage);
    const { modelBytes, tokens, kind } = event.stage;
    if (modelBytes) live.work.modelBytes = modelBytes;
    if (kind === 'run' && tokens) live.work.tokens = tokens;
  });
  const live: Live = {
    handle,
    rpc,
    watchdog,
    work: {},
    started: false,
    ready: rpc.call('hello', { protocol: ENGINE_PROTOCOL_VERSION }, 60_000).then((reply) => {
      live.started = true;
      if (reply.protocol !== ENGINE_PROTOCOL_VERSION) {
        throw new EngineRunError(
          `The engine worker speaks protocol ${reply.protocol}, expected ${ENGINE_PROTOCOL_VERSION}; rebuild the extension.`,
          'error',
        );
      }
    }),
  };
  handle.onExit((reason) => {
    watchdog.dispose();
    endings.exited(live, reason);
  });
  return live;
}
