/**
 * The host's side of the Steps view for the browser tests: a real result of the bundled
 * model from the real engine, and real head steps sent back the way the host answers
 * `requestSteps` (typed arrays, rebuilt in the page after the Playwright bridge).
 */
import { join } from 'node:path';
import type { HeadSteps, PositionsReport } from '../../src/engine/types';
import type { WebviewToHost } from '../../src/protocol/webview';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import type { FixtureResult } from './fixtureResult';
import type { WebviewPage } from './webviewPage';

export const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
export const STEPS_TEXT = 'def add(a, b):\n    return a + b\n\nadd(a, b)';

/** The bundled model's result for `STEPS_TEXT`, as the host would send it. */
export async function bundledResult(runId = 1): Promise<FixtureResult> {
  const { attentions, ...rest } = await sharedEngine().inspect(BUNDLED, STEPS_TEXT);
  return { meta: { ...rest, runId, source: { label: 'sample.py:1–4' } }, layers: attentions };
}

/** The `requestSteps` messages the page has posted so far. */
export async function stepsRequests(
  w: WebviewPage,
): Promise<Extract<WebviewToHost, { type: 'requestSteps' }>[]> {
  return (await w.posted()).filter(
    (m): m is Extract<WebviewToHost, { type: 'requestSteps' }> => m.type === 'requestSteps',
  );
}

/** Answers the page's last `requestSteps` with the engine's steps for the result's tokens. */
export async function answerSteps(w: WebviewPage, result: FixtureResult): Promise<HeadSteps> {
  const request = (await stepsRequests(w)).at(-1);
  if (!request) throw new Error('the page asked for no steps');
  const ids = result.meta.tokens.map((t) => t.id);
  const [steps] = await sharedEngine().runSteps(BUNDLED, ids, [
    { layer: request.layer, head: request.head },
  ]);
  await postSteps(w, result.meta.runId, steps);
  return steps;
}

/** Sends `didProduceSteps` as the host does (typed arrays rebuilt in the page) and waits a frame. */
export async function postSteps(w: WebviewPage, runId: number, steps: HeadSteps): Promise<void> {
  const wire = Object.fromEntries(
    Object.entries(steps).map(([k, v]) => [
      k,
      ArrayBuffer.isView(v) ? [...(v as Float32Array)] : v,
    ]),
  );
  await w.page.evaluate(
    ({ runId, wire }) => {
      const typed = { ...wire } as Record<string, unknown>;
      for (const k of ['q', 'k', 'v', 'scores', 'bias', 'output']) {
        if (Array.isArray(typed[k])) typed[k] = new Float32Array(typed[k] as number[]);
      }
      typed.masked = new Uint8Array(typed.masked as number[]);
      window.postMessage(
        { kind: 'event', event: { type: 'didProduceSteps', runId, steps: typed } },
        '*',
      );
    },
    { runId, wire },
  );
  await w.page.evaluate(
    () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0)),
  );
}

/** Answers the page's `requestPositions` with the engine's report for the result's tokens. */
export async function answerPositions(
  w: WebviewPage,
  result: FixtureResult,
): Promise<PositionsReport> {
  const ids = result.meta.tokens.map((t) => t.id);
  const report = await sharedEngine().runPositions(BUNDLED, ids);
  const wire = {
    ...report,
    table: report.table && { ...report.table, data: [...report.table.data] },
    effects: report.effects && {
      position: report.effects.position.map((l) => [...l]),
      token: report.effects.token.map((l) => [...l]),
    },
  };
  await w.page.evaluate(
    ({ runId, wire }) => {
      const report = {
        ...wire,
        table: wire.table && { ...wire.table, data: new Float32Array(wire.table.data) },
        effects: wire.effects && {
          position: wire.effects.position.map((l: number[]) => new Float32Array(l)),
          token: wire.effects.token.map((l: number[]) => new Float32Array(l)),
        },
      };
      window.postMessage(
        { kind: 'event', event: { type: 'didProducePositions', runId, report } },
        '*',
      );
    },
    { runId: result.meta.runId, wire },
  );
  await w.page.evaluate(
    () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r(null)), 0)),
  );
  return report;
}
