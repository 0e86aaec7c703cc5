/** The assertions every hostile case makes: one clear line, in bounded time and memory. */
import assert from 'node:assert/strict';
import type { BoundedRun } from './runBounded';

/** A plain CLI run on the fixture model peaks near 100 MiB; hostile input may not add much. */
export const CLI_MEMORY_MIB = 400;
/** A CLI run on the fixture model takes about 2 s here; shared, busy machines have taken 18 s. */
export const CLI_TIME_MS = 45_000;

/** The run failed with exactly one `error:` line matching `says`, within the bounds. */
export function failsClearly(
  run: BoundedRun,
  says: RegExp,
  bounds: { ms?: number; mib?: number } = {},
): void {
  assert.ok(!run.timedOut, `the run did not end within its limit (stderr: ${run.stderr})`);
  assert.notEqual(run.code, 0, `expected a failure, got exit 0 (stderr: ${run.stderr})`);
  // A crash (a signal, no message) is not a clear failure: say which, so it can be chased.
  const ended = `exit code ${run.code}, signal ${run.signal}`;
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line on stderr (${ended}), got:\n${run.stderr}`);
  assert.match(lines[0], /^error: /, `expected an "error:" line (${ended}), got: ${lines[0]}`);
  assert.match(lines[0], says);
  withinBounds(run, bounds);
}

/** The run ended within the time and memory bounds. */
export function withinBounds(run: BoundedRun, bounds: { ms?: number; mib?: number } = {}): void {
  const ms = bounds.ms ?? CLI_TIME_MS;
  const mib = bounds.mib ?? CLI_MEMORY_MIB;
  assert.ok(!run.timedOut && run.ms < ms, `took ${Math.round(run.ms)} ms (limit ${ms})`);
  assert.ok(run.peakMiB > 0, 'the process reported its memory');
  assert.ok(run.peakMiB < mib, `peak memory ${Math.round(run.peakMiB)} MiB (limit ${mib})`);
}
