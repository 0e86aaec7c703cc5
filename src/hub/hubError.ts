/**
 * What can go wrong while downloading from the Hub, each with a message that says what
 * happened, to which repository or file, and what to do. Pure, for plain-Node tests.
 */

/** The kind of failure; stable, for code that reacts to particular problems. */
export type HubProblem =
  | 'badRepoId'
  | 'offline'
  | 'notFound'
  | 'gated'
  | 'unauthorized'
  | 'httpStatus'
  | 'badResponse'
  | 'stalled'
  | 'sizeMismatch'
  | 'checksumMismatch'
  | 'missingFile'
  | 'noGraph'
  | 'cancelled';

/** A download that did not complete. Whatever was fetched stays as a resumable `.part` file
 * unless the problem is a checksum or size mismatch, whose bytes are discarded. */
export class HubError extends Error {
  constructor(
    readonly problem: HubProblem,
    message: string,
  ) {
    super(message);
    this.name = 'HubError';
  }
}

/** Network error codes that mean "no route to the Hub" rather than a broken response. */
const OFFLINE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ECONNRESET',
  'UND_ERR_SOCKET',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
]);

/** The `code` of an error or of the errors that caused it (`fetch` wraps them in `cause`). */
export function networkCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Object && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    const errors = (e as { errors?: unknown }).errors; // AggregateError of IPv4/IPv6 attempts
    if (Array.isArray(errors) && errors.length > 0) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A failed request before any answer came: no network, DNS, TLS, refused connection. */
export function requestFailed(error: unknown, endpoint: string): HubError {
  const code = networkCode(error);
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  if (code !== undefined && !OFFLINE_CODES.has(code))
    return new HubError(
      'offline',
      `The request to ${endpoint} failed (${reason}). Try again later.`,
    );
  return new HubError(
    'offline',
    `Cannot reach the Hugging Face Hub at ${endpoint} (${reason}). Check the network connection ` +
      `and proxy, or set HF_ENDPOINT to a mirror. Models already downloaded stay usable, and an ` +
      `interrupted download resumes where it stopped.`,
  );
}

/** What the Hub's error headers say, as `huggingface_hub` reads them. */
export interface HubErrorAnswer {
  status: number;
  /** `X-Error-Code`: `RepoNotFound`, `GatedRepo`, `EntryNotFound`, `RevisionNotFound`. */
  errorCode: string | null;
  /** `X-Error-Message`. */
  errorMessage: string | null;
}

/** Turns an error answer about `what` (a repository, or one of its files) into a message. */
export function answerError(
  answer: HubErrorAnswer,
  repo: string,
  page: string,
  file?: string,
): HubError {
  const { status, errorCode } = answer;
  const tokenAdvice =
    'create a read token at https://huggingface.co/settings/tokens and set it as HF_TOKEN in ' +
    'the environment VS Code starts from.';
  if (errorCode === 'GatedRepo')
    return new HubError(
      'gated',
      `${repo} is a gated model: accept its terms at ${page} while signed in, then ${tokenAdvice}`,
    );
  if (errorCode === 'EntryNotFound' && file !== undefined)
    return new HubError(
      'notFound',
      `${repo} lists ${file} but the Hub has no such file (HTTP ${status}). Try again later.`,
    );
  if (errorCode === 'RevisionNotFound')
    return new HubError(
      'notFound',
      `${repo} has no revision "${answer.errorMessage ?? 'main'}" on the Hub (HTTP ${status}).`,
    );
  // The Hub answers 401 for a missing repository too, so a caller cannot probe private names.
  if (errorCode === 'RepoNotFound' || status === 404 || status === 401)
    return new HubError(
      'notFound',
      `${repo} was not found on the Hub (HTTP ${status}). Check the id at ${page}; ` +
        `if it is private, ${tokenAdvice}`,
    );
  if (status === 403)
    return new HubError(
      'unauthorized',
      `The Hub refused access to ${file ? `${file} of ` : ''}${repo} (HTTP 403${answer.errorMessage ? `: ${answer.errorMessage}` : ''}). ` +
        `If the model is gated, accept its terms at ${page}; to use your account, ${tokenAdvice}`,
    );
  return new HubError(
    'httpStatus',
    `The Hub answered HTTP ${status} for ${file ? `${file} of ` : ''}${repo}` +
      `${answer.errorMessage ? ` (${answer.errorMessage})` : ''}. Try again later.`,
  );
}
