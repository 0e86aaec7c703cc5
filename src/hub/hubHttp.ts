/**
 * HTTP to the Hub with Node's built-in `fetch`: redirects followed by hand so the access
 * token only ever goes to the Hub itself (never to the CDN it redirects large files to),
 * a stall timeout that aborts a request when no bytes arrive for a while, and failures
 * turned into `HubError`s. Pure Node, no `vscode`.
 */
import { HubError, requestFailed } from './hubError';

/** What every request to one Hub needs. */
export interface HubConnection {
  /** The Hub base URL (`hubEndpoint()`); the token is sent to this origin only. */
  endpoint: string;
  token?: string;
  /** Cancels everything in flight; the error is then a `HubError('cancelled')`. */
  signal?: AbortSignal;
  /** A request that receives nothing for this long is aborted (`HubError('stalled')`). */
  stallMs: number;
}

const MAX_REDIRECTS = 10;

/**
 * Aborts a request when `poke` has not been called for `ms`, or when `outer` aborts.
 * The caller pokes on every chunk it receives and disposes when done.
 */
export class StallGuard {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  stalled = false;
  readonly signal: AbortSignal;

  constructor(
    readonly timeoutMs: number,
    outer: AbortSignal | undefined,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
    this.poke();
  }

  poke(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.stalled = true;
      this.controller.abort(new Error('stalled'));
    }, this.timeoutMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

/**
 * The error to throw for `error`, raised while talking to the Hub: cancelled by the user,
 * stalled, or a network failure (`what` names the file, for the stalled message).
 */
export function failure(
  error: unknown,
  conn: HubConnection,
  guard: StallGuard,
  what: string,
): HubError {
  if (error instanceof HubError) return error;
  if (conn.signal?.aborted) return new HubError('cancelled', 'The download was cancelled.');
  if (guard.stalled)
    return new HubError(
      'stalled',
      `No data arrived from ${conn.endpoint} for ${Math.round(guard.timeoutMs / 1000)} s while fetching ${what}. ` +
        'Check the network connection and run the download again: it resumes where it stopped.',
    );
  return requestFailed(error, conn.endpoint);
}

/**
 * `GET url` following redirects (relative or absolute, as the Hub sends them). Resolves
 * with the final answer, whatever its status; rejects only when no answer came.
 */
export async function hubGet(
  url: string,
  conn: HubConnection,
  guard: StallGuard,
  headers: Record<string, string> = {},
): Promise<Response> {
  const hubOrigin = new URL(conn.endpoint).origin;
  let current = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const auth: Record<string, string> =
      conn.token && current.origin === hubOrigin ? { authorization: `Bearer ${conn.token}` } : {};
    const answer = await fetch(current, {
      headers: { ...headers, ...auth, 'user-agent': 'attention-inspector' },
      redirect: 'manual',
      signal: guard.signal,
    });
    guard.poke();
    const location = answer.headers.get('location');
    if (answer.status < 300 || answer.status >= 400 || location === null) return answer;
    await answer.body?.cancel();
    current = new URL(location, current);
  }
  throw new HubError('badResponse', `Too many redirects from ${conn.endpoint} for ${url}.`);
}
