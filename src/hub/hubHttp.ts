/**
 * HTTP to the Hub with Node's built-in `fetch`: for file bytes, redirects followed by hand so
 * the access token only ever goes to the Hub itself (never to the CDN it redirects large
 * files to); for the API calls `@huggingface/hub` makes, the `fetch` it is given; both with a
 * stall timeout that aborts a request when no bytes arrive for a while, and failures turned
 * into `HubError`s. Pure Node, no `vscode`.
 */
import { HubError, type HubErrorAnswer, requestFailed } from './hubError';

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
const USER_AGENT = 'attention-inspector';

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
      headers: { ...headers, ...auth, 'user-agent': USER_AGENT },
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

/** What the Hub said when it refused a request: its status and `X-Error-*` headers. */
export interface RefusalSeen {
  answer?: HubErrorAnswer;
}

/**
 * A `fetch` for `@huggingface/hub`'s API calls (`modelInfo`, `listFiles`): it adds what the
 * library does not (our cancel signal, the stall timeout, a bound on an answer's size, a
 * user agent), reads the body itself so a stall or a drop mid-answer ends as our `HubError`,
 * and keeps the refusal's `X-Error-Code`, which the library's `HubApiError` drops.
 */
export function apiFetch(
  conn: HubConnection,
  what: string,
  refusal: RefusalSeen,
  maxBytes: number,
): typeof fetch {
  return async (input, init) => {
    const guard = new StallGuard(conn.stallMs, conn.signal);
    try {
      const headers = new Headers(init?.headers);
      headers.set('user-agent', USER_AGENT);
      const answer = await fetch(input, { ...init, headers, signal: guard.signal });
      guard.poke();
      if (!answer.ok)
        refusal.answer = {
          status: answer.status,
          errorCode: answer.headers.get('x-error-code'),
          errorMessage: answer.headers.get('x-error-message'),
        };
      const body = await readBounded(answer, guard, maxBytes, what);
      return new Response(body.length > 0 ? body : null, {
        status: answer.status,
        statusText: answer.statusText,
        headers: answer.headers,
      });
    } catch (error) {
      throw failure(error, conn, guard, what);
    } finally {
      guard.dispose();
    }
  };
}

async function readBounded(
  answer: Response,
  guard: StallGuard,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (!answer.body) return Buffer.alloc(0);
  for await (const chunk of answer.body) {
    guard.poke();
    length += chunk.byteLength;
    if (length > maxBytes) {
      await answer.body.cancel().catch(() => undefined);
      throw new HubError(
        'badResponse',
        `Unexpected answer from the Hub about ${what}: larger than ${maxBytes >> 20} MB. Try again later.`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
