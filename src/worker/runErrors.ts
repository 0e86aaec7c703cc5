/** Every way a call to the engine can end badly, as the `EngineRunError` the host reports. */
import { EngineRunError, runErrorCode } from '../engine/errors';
import { RpcError } from '../protocol/rpc';

export function releasedError(): EngineRunError {
  return new EngineRunError(
    'The engine no longer holds this result (it was restarted): run the inspection again.',
    'released',
  );
}

export function toRunError(error: unknown): EngineRunError {
  if (error instanceof EngineRunError) return error;
  if (error instanceof RpcError) {
    const run = new EngineRunError(error.message, runErrorCode(error.code));
    // The worker's stack says where it failed; ours would only show this line.
    if (error.remoteStack) run.stack = error.remoteStack;
    return run;
  }
  return new EngineRunError(error instanceof Error ? error.message : String(error), 'error');
}
