/** Errors the engine reports to people. `code` is stable across the worker boundary. */

/** Why a run ended without a result. */
export const RUN_ERROR_CODES = [
  'cancelled',
  'superseded',
  'crashed',
  'badInput',
  'badModel',
  'closed',
  /** A slice asked of a held result the engine has dropped (too old, or released). */
  'released',
  'error',
] as const;
export type RunErrorCode = (typeof RUN_ERROR_CODES)[number];

/** A code that crossed a channel as a string; one we do not know is `error`. */
export function runErrorCode(code: string): RunErrorCode {
  return RUN_ERROR_CODES.find((known) => known === code) ?? 'error';
}

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

/** A text with nothing to tokenize: said before any model work. */
export function nothingToInspect(): EngineRunError {
  return new EngineRunError(
    'Nothing to inspect: the text is empty or only whitespace. Select some text (or put the cursor on a non-empty line) and run the command again.',
    'badInput',
  );
}
