/**
 * Where the extension writes what it did: the methods of VS Code's `LogOutputChannel`, so the
 * channel itself is passed in, while code that runs without VS Code (the worker client, tests)
 * depends on this shape only. The channel filters by the level the user set
 * (Developer: Set Log Level…).
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

/** Writes nowhere: for runs nobody asked to log (tests, the CLI). */
export const SILENT_LOGGER: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
