/**
 * Applying a file-supplied pattern is an engine stage of its own: the load-time check
 * (patterns.ts) refuses the classic catastrophic shapes, but a pattern it lets through can still
 * take polynomial time on a long text, and a synchronous regex cannot be interrupted. Announced
 * as a stage, it is bounded by the host's watchdog, which names the file, the field and the
 * pattern when it stops the worker (src/engine/stage.ts).
 */
import { withStage } from '../../stage';

/** Runs `work` (matching the pattern at `field` against `length` characters) as a stage. */
export function underPattern<T>(field: string, pattern: unknown, length: number, work: () => T): T {
  const p = (pattern ?? {}) as { String?: unknown; Regex?: unknown };
  const label = `tokenizer.json: ${field} ${JSON.stringify(p.Regex ?? p.String)}`;
  return withStage({ label, kind: 'text', tokens: length }, work);
}
