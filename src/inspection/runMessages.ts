/**
 * What the user is told about a run, as plain data: the status bar text, the note about a
 * truncated input, and what to say (and offer) when a run ends without a result. Pure.
 */
import type { RunErrorCode } from '../engine/errors';
import type { Truncation } from '../engine/types';
import type { ResultInfo } from '../shared/resultInfo';

/** A follow-up the message offers as a button. */
export type RunAction = 'selectModel' | 'retry';

/** How a run that ended without a result is reported; `severity: 'none'` says nothing. */
export interface RunFailureReport {
  severity: 'none' | 'info' | 'warning' | 'error';
  message: string;
  actions: RunAction[];
}

/** Status bar text, e.g. `$(eye) mini-code-gpt · 212 tok · 180 ms`. */
export function statusText(model: string, run?: { tokens: number; ms: number }): string {
  const base = `$(eye) ${model}`;
  return run ? `${base} · ${run.tokens} tok · ${Math.round(run.ms)} ms` : base;
}

/** The status bar after a result: model id, tokens inspected, the run's total time. */
export function resultStatusText(result: ResultInfo): string {
  return statusText(result.model.id, { tokens: result.tokens.length, ms: result.timings.totalMs });
}

/**
 * Says how much of a long input was inspected and why, with the line the inspection stopped
 * at (`stopLine`, 1-based) so the user can find it.
 */
export function truncationMessage(truncation: Truncation, stopLine: number): string {
  return (
    `${truncation.reason} Text after line ${stopLine} was not inspected; ` +
    'select less, or raise attentionInspector.maxTokens if the model allows.'
  );
}

/** What to say when a run ends with `code`; `byUser` is true for a cancel the user asked for. */
export function describeFailure(
  code: RunErrorCode,
  message: string,
  byUser: boolean,
): RunFailureReport {
  switch (code) {
    case 'cancelled':
      return byUser
        ? { severity: 'info', message: 'Attention inspection cancelled.', actions: [] }
        : { severity: 'none', message, actions: [] };
    case 'superseded':
      return { severity: 'none', message, actions: [] };
    case 'closed':
      return {
        severity: 'warning',
        message:
          'The inspection stopped because the engine restarted (its settings changed). Run it again.',
        actions: ['retry'],
      };
    case 'badModel':
      return {
        severity: 'error',
        message: `Cannot use this model: ${message}`,
        actions: ['selectModel'],
      };
    case 'badInput':
      return { severity: 'warning', message, actions: [] };
    case 'released':
      return { severity: 'warning', message, actions: ['retry'] };
    case 'crashed':
      return { severity: 'error', message, actions: ['retry'] };
    case 'error':
      return {
        severity: 'error',
        message: `The inspection failed: ${message}`,
        actions: ['retry'],
      };
  }
}
