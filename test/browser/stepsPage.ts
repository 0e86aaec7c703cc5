/**
 * The host's side of the Steps view for the browser tests: a real result of the bundled
 * model from the real engine, and real head steps answering the page's `steps` and
 * `positions` calls (held by the page's `TestHost` until a test answers them).
 */
import { join } from 'node:path';
import type { HeadSteps, PositionsReport } from '../../src/engine/types';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { type FixtureResult, fixtureOf } from './fixtureResult';
import type { HostCall } from './testHost';
import type { WebviewPage } from './webviewPage';

export const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
export const STEPS_TEXT = 'def add(a, b):\n    return a + b\n\nadd(a, b)';

/** The bundled model's result for `STEPS_TEXT`, as the host would show it. */
export async function bundledResult(runId = 1): Promise<FixtureResult> {
  return fixtureOf(await sharedEngine().inspect(BUNDLED, STEPS_TEXT), runId, 'sample.py:1–4');
}

/** The `steps` calls the page has made so far (their arguments). */
export function stepsRequests(w: WebviewPage): HostCall['arg'][] {
  return w.host.callsOf('steps');
}

/** Answers the page's last `steps` call with the engine's steps for the result's tokens. */
export async function answerSteps(w: WebviewPage, result: FixtureResult): Promise<HeadSteps> {
  const call = w.host.take('steps');
  const { layer, head } = call.arg as unknown as { layer: number; head: number };
  const ids = result.meta.tokens.map((t) => t.id);
  const [steps] = await sharedEngine().runSteps(BUNDLED, ids, [{ layer, head }]);
  call.resolve(steps);
  await w.settle();
  return steps;
}

/** Answers the page's last `steps` call with `steps` (computed elsewhere) and waits a frame. */
export async function postSteps(w: WebviewPage, steps: HeadSteps): Promise<void> {
  w.host.take('steps').resolve(steps);
  await w.settle();
}

/** Refuses the page's last `steps` call with `message`, as the host relays an engine error. */
export async function failSteps(w: WebviewPage, message: string): Promise<void> {
  w.host.take('steps').reject(new Error(message));
  await w.settle();
}

/** Answers the page's `positions` call with the engine's report for the result's tokens. */
export async function answerPositions(
  w: WebviewPage,
  result: FixtureResult,
): Promise<PositionsReport> {
  const ids = result.meta.tokens.map((t) => t.id);
  const report = await sharedEngine().runPositions(BUNDLED, ids);
  w.host.take('positions').resolve(report);
  await w.settle();
  return report;
}
