/**
 * The worker side of the engine channel: serves `EngineApi` over any endpoint. A newer
 * `inspect` supersedes every older one; cancelled and superseded runs end with a code.
 * Runs take turns (runTurns.ts: queries before waiting inspections), and a run whose turn
 * comes after a newer request arrived is dropped before it starts: 50 quick requests cost
 * two runs, not fifty.
 */
import { ENGINE_PROTOCOL_VERSION } from '../protocol/engine';
import type { EngineApi, EngineEvent, InspectRequest } from '../protocol/engine';
import { onStage } from '../engine/stage';
import { Rpc } from '../protocol/rpc';
import type { MessageEndpoint } from '../protocol/rpc';
import type { Engine, InspectOptions } from '../engine/engine';
import { EngineRunError } from '../engine/errors';
import { RunTurns } from './runTurns';
import { serveHeadScans } from './headScanService';
import { fillInBackground } from './backgroundFill';

export function serveEngine(endpoint: MessageEndpoint, engine: Engine, threads: number): void {
  let latestRunId = 0;
  const cancelled = new Set<number>();
  const turns = new RunTurns();
  let evictions = 0;

  /** One inspection in its turn; a newer request supersedes it, `cancel` cancels it. */
  async function runInspection<T>(
    request: InspectRequest,
    run: (options: InspectOptions) => Promise<T>,
  ): Promise<T> {
    latestRunId = Math.max(latestRunId, request.runId);
    const isCancelled = (): boolean => {
      if (request.runId < latestRunId) {
        throw new EngineRunError('A newer inspection replaced this one.', 'superseded');
      }
      return cancelled.has(request.runId);
    };
    const done = await turns.next();
    try {
      // Requests that arrived while the previous run computed have been read by now.
      isCancelled();
      const result = await run({
        maxTokens: request.maxTokens,
        topK: request.topK,
        ...(request.variant ? { variant: request.variant } : {}),
        ...(request.target ? { target: request.target } : {}),
        ...(request.steps ? { steps: request.steps } : {}),
        ...(request.generate ? { generate: request.generate } : {}),
        isCancelled,
      });
      // The run may have been overtaken while its last stage ran.
      isCancelled();
      return result;
    } finally {
      done();
      cancelled.delete(request.runId);
    }
  }

  async function asQuery<T>(query: () => Promise<T>): Promise<T> {
    const done = await turns.next('query');
    try {
      return await query();
    } finally {
      done();
    }
  }

  const api: EngineApi = {
    async hello() {
      return { protocol: ENGINE_PROTOCOL_VERSION, threads };
    },
    async loadModel({ modelDir, variant }) {
      const done = await turns.next();
      try {
        return (await engine.loadAnyModel(modelDir, variant)).info;
      } finally {
        done();
      }
    },
    async evict({ keep }) {
      // In the inspections' lane: a run already waiting for the old model ends first.
      evictions++;
      const done = await turns.next();
      try {
        await engine.evict(keep);
      } finally {
        done();
      }
    },
    inspect: (request) =>
      runInspection(request, (options) => engine.inspect(request.modelDir, request.text, options)),
    async inspectHeld(request) {
      const held = await runInspection(request, (options) =>
        engine.inspectHeld(request.modelDir, request.text, options),
      );
      // Its value norms while nobody waits, until a newer inspection or an eviction arrives.
      const since = evictions;
      const stopped = () => latestRunId > request.runId || evictions !== since;
      void fillInBackground(turns, () => engine.backgroundTask(held.resultId), stopped);
      return held;
    },
    // Slices and overviews run onnxruntime's kernels: in the query lane, between runs.
    overview: ({ resultId, kind, layer, units, weights }) =>
      asQuery(() => engine.overview(resultId, kind, layer, units, weights)),
    slice: ({ resultId, ...request }) => asQuery(() => engine.slice(resultId, request)),
    headWrites: ({ resultId, kind, layer }) =>
      asQuery(async () => engine.headWrites(resultId, kind, layer)),
    logitLens: ({ resultId, position, k }) =>
      asQuery(() => engine.logitLens(resultId, position, k)),
    predictions: ({ resultId, rows, k }) => asQuery(() => engine.predictions(resultId, rows, k)),
    async release({ resultId }) {
      engine.release(resultId);
    },
    async headSteps({ modelDir, variant, ids, decoderIds, requests }) {
      const done = await turns.next('query');
      try {
        return decoderIds
          ? await engine.runSeq2SeqSteps(modelDir, ids, decoderIds, requests, variant)
          : await engine.runSteps(modelDir, ids, requests, variant);
      } finally {
        done();
      }
    },
    async positions({ modelDir, variant, ids }) {
      const done = await turns.next('query');
      try {
        return await engine.runPositions(modelDir, ids, variant);
      } finally {
        done();
      }
    },
    async cancel({ runId }) {
      cancelled.add(runId);
    },
    ...serveHeadScans(engine, turns),
  };
  // The channel lives as long as the worker: it listens on the endpoint until exit.
  const rpc = new Rpc<Record<string, never>, EngineApi, never, EngineEvent>(endpoint, api, {
    transfer: true,
  });
  // Sent before long synchronous work, so the host knows what to blame if it never returns.
  onStage((stage) => rpc.notify({ kind: 'stage', stage }));
}
