/**
 * The worker side of the engine channel: serves `EngineApi` over any endpoint. A newer
 * `inspect` supersedes every older one; cancelled and superseded runs end with a code.
 */
import { ENGINE_PROTOCOL_VERSION } from '../../protocol/engine';
import type { EngineApi, EngineEvent } from '../../protocol/engine';
import { Rpc } from '../../protocol/rpc';
import type { MessageEndpoint } from '../../protocol/rpc';
import { Engine } from '../engine';
import { EngineRunError } from '../errors';

export function serveEngine(endpoint: MessageEndpoint, engine: Engine, threads: number): void {
  let latestRunId = 0;
  const cancelled = new Set<number>();

  const api: EngineApi = {
    async hello() {
      return { protocol: ENGINE_PROTOCOL_VERSION, threads };
    },
    async loadModel({ modelDir, variant }) {
      return (await engine.loadModel(modelDir, variant)).info;
    },
    async inspect(request) {
      latestRunId = Math.max(latestRunId, request.runId);
      const isCancelled = (): boolean => {
        if (request.runId < latestRunId) {
          throw new EngineRunError('A newer inspection replaced this one.', 'superseded');
        }
        return cancelled.has(request.runId);
      };
      try {
        const result = await engine.inspect(request.modelDir, request.text, {
          maxTokens: request.maxTokens,
          topK: request.topK,
          ...(request.variant ? { variant: request.variant } : {}),
          isCancelled,
        });
        // The run may have been overtaken while its last stage ran.
        isCancelled();
        return result;
      } finally {
        cancelled.delete(request.runId);
      }
    },
    async cancel({ runId }) {
      cancelled.add(runId);
    },
  };
  // The channel lives as long as the worker: it listens on the endpoint until exit.
  new Rpc<Record<string, never>, EngineApi, never, EngineEvent>(endpoint, api, { transfer: true });
}
