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
  /**
   * A graph run cannot be interrupted, and holds its memory until it ends: a cancel that finds
   * the engine this many milliseconds into a run or a load stops the engine instead (a fresh
   * one starts with `restartAfterCrash`). Absent: the engine finishes and drops the result.
   */
  stopRunOnCancelAfterMs?: number;
}

/** The extension's choice: a run past a second is worth a restart to stop. */
export const STOP_RUN_ON_CANCEL_AFTER_MS = 1_000;

export const DEFAULT_WATCHDOG: WatchdogOptions = {
  timeoutSeconds: DEFAULT_RUN_TIMEOUT_SECONDS,
  raiseHint: 'raise the run timeout if the model is just slow',
};
