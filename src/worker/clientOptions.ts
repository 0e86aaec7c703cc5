/** What an `EngineClient` is started with: its watchdog's bound and whom it serves. */
import type { Surface } from '../engine/surface';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';

/** How long the engine may stay in one stage (runDeadline.ts), and how a user raises it. */
export interface WatchdogOptions {
  /** The base bound in seconds. */
  timeoutSeconds: number;
  /** Ends the message when the bound is hit, e.g. "raise --timeout if the model is just slow". */
  raiseHint: string;
}

/** Who the client serves. */
export interface ClientOptions {
  /** Whose knobs a crash or out-of-memory message names. */
  surface: Surface;
  /**
   * Start a fresh engine as soon as one that had started dies, so the next request does not
   * wait for the runtime to compile again (the extension; a CLI run ends with the failure).
   */
  restartAfterCrash?: boolean;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = {
  timeoutSeconds: DEFAULT_RUN_TIMEOUT_SECONDS,
  raiseHint: 'raise the run timeout if the model is just slow',
};
