/**
 * What a panel's webview may ask the host (src/protocol/webview.ts `WebviewHostApi`): each
 * call names the run it is about, and is relayed to the engine for the result the panel
 * shows. A call about a result no longer on show fails with code `stale` (the webview drops
 * it); one the engine no longer holds fails with its code `released` and a message to show.
 */
import type { HeadSteps, HeadStepsRequest, LayerOverview, SliceWeights } from '../engine/types';
import type { ThumbnailUnits } from '../engine/types';
import type { AttentionKind, AttentionSliceRequest, PositionsReport } from '../engine/types';
import type { EngineApi, HeldQuestion } from '../protocol/engine';
import { packOverview } from '../protocol/overviewWire';
import { RpcError } from '../protocol/rpc';
import type { WebviewHostApi } from '../protocol/webview';
import type { ResultInfo } from '../shared/resultInfo';
import { WALKTHROUGH_KEYS } from '../util/walkthroughKeys';
import type { ShownHeld } from './shownResult';
import { markWalkthroughStep } from './walkthroughSteps';

/** The engine's answers about held results (the `InspectionRunner`). */
export interface HeldQueries {
  overview(
    resultId: number,
    kind: AttentionKind,
    layer: number,
    units?: ThumbnailUnits,
    weights?: SliceWeights,
  ): Promise<LayerOverview>;
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array>;
  headSteps(result: ResultInfo, requests: HeadStepsRequest[]): Promise<HeadSteps[]>;
  positions(result: ResultInfo): Promise<PositionsReport>;
  /** A small question about a held result (`HeldQuestion`). */
  askHeld<M extends HeldQuestion>(
    method: M,
    arg: Parameters<EngineApi[M]>[0],
  ): ReturnType<EngineApi[M]>;
}

export function webviewQueries(
  shown: () => ShownHeld | undefined,
  engine: HeldQueries,
): WebviewHostApi {
  const onShow = (runId: number): ShownHeld => {
    const current = shown();
    if (!current || current.runId !== runId) {
      throw new RpcError(`Run ${runId} is no longer on show in this panel.`, 'stale');
    }
    return current;
  };
  return {
    async overview({ runId, kind, layer, units, weights }) {
      const { resultId, stacks } = onShow(runId).result;
      return packOverview(await engine.overview(resultId, kind, layer, units, weights), stacks);
    },
    async slice({ runId, ...request }) {
      return engine.slice(onShow(runId).result.resultId, request);
    },
    async steps({ runId, kind, layer, head }) {
      const { result } = onShow(runId);
      markWalkthroughStep(WALKTHROUGH_KEYS.stepsOpened);
      const [steps] = await engine.headSteps(result, [{ ...(kind ? { kind } : {}), layer, head }]);
      return steps;
    },
    async positions({ runId }) {
      return engine.positions(onShow(runId).result);
    },
    async headWrites({ runId, kind, layer }) {
      const { resultId } = onShow(runId).result;
      return engine.askHeld('headWrites', { resultId, kind, layer });
    },
    async logitLens({ runId, position, k }) {
      const { resultId } = onShow(runId).result;
      return engine.askHeld('logitLens', { resultId, position, k });
    },
    async predictions({ runId, rows, k }) {
      const { resultId } = onShow(runId).result;
      return engine.askHeld('predictions', { resultId, rows, k });
    },
  };
}
