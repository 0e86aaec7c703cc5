/**
 * Work nobody waits for, done between requests (issue 24, item 5): after an inspection is
 * held, its value norms are computed one small task per turn in the lowest lane
 * (runTurns.ts), so a slice, hover, overview, step or inspection asked meanwhile waits for
 * the one task in flight at most (docs/decisions.md, "Value norms in the background").
 */
import type { RunTurns } from './runTurns';

/**
 * How long the engine must have been quiet before the first task: the panel's first asks
 * (overviews, the hovered row) follow the inspection's answer within a round trip, and the
 * first view should not wait behind a task (docs/decisions.md, "Value norms in the background").
 */
export const QUIET_BEFORE_BACKGROUND_MS = 300;

/** What the background asks of the engine: the next task, or none left. */
export type NextTask = () => (() => Promise<void>) | undefined;

/**
 * Runs `next`'s tasks one per background turn until none is left or `stopped` (a newer
 * inspection, an eviction; a released result has no tasks). Resolves with the tasks run.
 */
export async function fillInBackground(
  turns: RunTurns,
  next: NextTask,
  stopped: () => boolean,
): Promise<number> {
  let ran = 0;
  await turns.quietFor(QUIET_BEFORE_BACKGROUND_MS);
  for (;;) {
    const done = await turns.next('background');
    try {
      const task = stopped() ? undefined : next();
      if (!task) return ran;
      await task();
      ran++;
    } catch {
      // Nobody waits for this: the view that asks for the same norms computes them on
      // demand and reports what went wrong there.
      return ran;
    } finally {
      done();
    }
  }
}
