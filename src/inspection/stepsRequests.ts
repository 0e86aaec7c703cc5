/**
 * Answers the Steps view's `requestSteps` and `requestPositions`: the engine worker computes
 * one head's arithmetic (or the positions report) for the tokens of the result on show, and
 * the answer goes back to the webview (typed arrays, never JSON). A request about a result
 * no longer on show is dropped.
 */
import type { HostToWebview, WebviewToHost } from '../protocol/webview';
import type { ShownResult } from '../export/resultExporter';
import type { InspectionRunner } from './inspectionRunner';

type StepsRequest = Extract<WebviewToHost, { type: 'requestSteps' }>;

export async function answerStepsRequest(
  message: StepsRequest,
  shown: ShownResult | undefined,
  runner: InspectionRunner,
  post: (message: HostToWebview) => void,
): Promise<void> {
  if (!shown || shown.runId !== message.runId) return;
  const { runId, kind, layer, head } = message;
  const { result } = shown;
  try {
    const [steps] = await runner.headSteps(result, [{ ...(kind ? { kind } : {}), layer, head }]);
    post({ type: 'didProduceSteps', runId, steps });
  } catch (error) {
    post({
      type: 'didFailSteps',
      runId,
      ...(kind ? { kind } : {}),
      layer,
      head,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Answers `requestPositions` with the positions report of the result on show. */
export async function answerPositionsRequest(
  message: Extract<WebviewToHost, { type: 'requestPositions' }>,
  shown: ShownResult | undefined,
  runner: InspectionRunner,
  post: (message: HostToWebview) => void,
): Promise<void> {
  if (!shown || shown.runId !== message.runId) return;
  const { runId } = message;
  try {
    post({ type: 'didProducePositions', runId, report: await runner.positions(shown.result) });
  } catch (error) {
    post({
      type: 'didFailPositions',
      runId,
      message: error instanceof Error ? error.message : String(error),
    });
  }
}
