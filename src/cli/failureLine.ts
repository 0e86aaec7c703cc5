/** How a failed CLI run ends: one `error:` line on stderr and a non-zero exit code. */
import { UsageError } from './cliArgs';

/** Prints the line and sets the exit code (2 for a usage error, 1 otherwise). */
export function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  // One line, but all of it: Node's own messages put their hint on the next lines.
  process.stderr.write(
    `error: ${message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ')}\n`,
  );
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
