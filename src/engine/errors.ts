/** Errors the engine reports to people. `code` is stable across the worker boundary. */

/** Why a run ended without a result. */
export type RunErrorCode =
  | 'cancelled'
  | 'superseded'
  | 'crashed'
  | 'badInput'
  | 'badModel'
  | 'closed'
  | 'error';

/** A run that ended without a result; `message` is written for the user, says what to do. */
export class EngineRunError extends Error {
  constructor(
    message: string,
    readonly code: RunErrorCode,
  ) {
    super(message);
    this.name = 'EngineRunError';
  }
}
