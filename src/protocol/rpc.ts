/**
 * One small request/response + notification layer used on both process edges
 * (host ⇄ engine worker, host ⇄ webview). Unlike a fire-and-forget bus, every call
 * settles: handler errors come back as rejections with a code, calls time out, and
 * disposing the channel rejects whatever is still pending.
 */

/** Anything that can carry structured-cloneable messages (worker port, webview). */
export interface MessageEndpoint {
  /** `transfer` lists buffers to move instead of copy where the endpoint supports it. */
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Subscribes to incoming messages; returns an unsubscribe function. */
  listen(handler: (message: unknown) => void): () => void;
}

/** Methods one side serves; every method takes one argument and returns a promise. */
export type Api = { [method: string]: (arg: never) => Promise<unknown> };

/** Wire message: a call of `method` on the other side. */
export interface CallMessage {
  kind: 'call';
  id: number;
  method: string;
  arg: unknown;
}
/** Wire message: the result of a call (`ok`) or its failure (`err`). */
export interface ReplyMessage {
  kind: 'reply';
  id: number;
  ok?: unknown;
  err?: WireError;
}

/** A failure on the wire: `stack` is the serving side's, kept for the log (never shown as a message). */
export interface WireError {
  message: string;
  code: string;
  stack?: string;
}
/** Wire message: a one-way notification. */
export interface EventMessage<E> {
  kind: 'event';
  event: E;
}

/** A failure that crossed the channel; `code` is stable, `message` is for people. */
export class RpcError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The stack where it was thrown on the other side, if it came from there. */
    readonly remoteStack?: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** Typed-array buffers inside a value, so results move between threads instead of copying. */
export function collectTransferables(
  value: unknown,
  depth = 4,
  out = new Set<ArrayBuffer>(),
): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
  } else if (depth > 0 && value !== null && typeof value === 'object') {
    for (const item of Array.isArray(value) ? value : Object.values(value)) {
      collectTransferables(item, depth - 1, out);
    }
  }
  return [...out];
}

/**
 * `Remote` is the API the other side serves, `Local` the one this side serves;
 * `InEvent`/`OutEvent` are the notifications each way.
 */
export class Rpc<Remote extends Api, Local extends Api, InEvent = never, OutEvent = never> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly eventHandlers = new Set<(event: InEvent) => void>();
  private readonly unlisten: () => void;
  private disposed = false;

  constructor(
    private readonly endpoint: MessageEndpoint,
    private readonly local: Partial<Local> = {},
    private readonly options: { timeoutMs?: number; transfer?: boolean } = {},
  ) {
    this.unlisten = endpoint.listen((message) => this.receive(message));
  }

  /** Calls `method` on the other side. */
  call<K extends keyof Remote & string>(
    method: K,
    arg: Parameters<Remote[K]>[0],
    timeoutMs = this.options.timeoutMs,
  ): ReturnType<Remote[K]> {
    return new Promise((resolve, reject) => {
      if (this.disposed) {
        reject(new RpcError('The channel is closed.', 'closed'));
        return;
      }
      const id = this.nextId++;
      const pending: Pending = { resolve, reject };
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new RpcError(`"${method}" got no answer within ${timeoutMs} ms.`, 'timeout'));
        }, timeoutMs);
      }
      this.pending.set(id, pending);
      const message: CallMessage = { kind: 'call', id, method, arg };
      this.endpoint.post(message, this.transferOf(arg));
    }) as ReturnType<Remote[K]>;
  }

  /** Sends a one-way notification. */
  notify(event: OutEvent): void {
    if (this.disposed) return;
    const message: EventMessage<OutEvent> = { kind: 'event', event };
    this.endpoint.post(message, this.transferOf(event));
  }

  /** Subscribes to notifications from the other side; returns an unsubscribe function. */
  onEvent(handler: (event: InEvent) => void): () => void {
    this.eventHandlers.add(handler);
    return () => this.eventHandlers.delete(handler);
  }

  /** Rejects every pending call with `error` (e.g. when the other side crashed). */
  rejectAll(error: Error): void {
    for (const [id, pending] of this.pending) {
      if (pending.timer) clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(error);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unlisten();
    this.rejectAll(new RpcError('The channel was closed before the call finished.', 'closed'));
    this.eventHandlers.clear();
  }

  private transferOf(value: unknown): ArrayBuffer[] | undefined {
    return this.options.transfer ? collectTransferables(value) : undefined;
  }

  private receive(message: unknown): void {
    if (typeof message !== 'object' || message === null || !('kind' in message)) return;
    const typed = message as CallMessage | ReplyMessage | EventMessage<InEvent>;
    switch (typed.kind) {
      case 'call':
        void this.serve(typed);
        return;
      case 'reply': {
        const pending = this.pending.get(typed.id);
        if (!pending) return;
        this.pending.delete(typed.id);
        if (pending.timer) clearTimeout(pending.timer);
        if (typed.err) {
          const { message, code, stack } = typed.err;
          pending.reject(new RpcError(message, code, stack));
        } else pending.resolve(typed.ok);
        return;
      }
      case 'event':
        for (const handler of this.eventHandlers) handler(typed.event);
        return;
    }
  }

  private async serve(call: CallMessage): Promise<void> {
    let reply: ReplyMessage;
    const method = this.local[call.method as keyof Local];
    try {
      if (typeof method !== 'function') {
        throw new RpcError(`No such method "${call.method}".`, 'noMethod');
      }
      const ok = await (method as (arg: unknown) => Promise<unknown>).call(this.local, call.arg);
      reply = { kind: 'reply', id: call.id, ok };
    } catch (error) {
      reply = { kind: 'reply', id: call.id, err: toWireError(error) };
    }
    if (!this.disposed) this.endpoint.post(reply, this.transferOf(reply.ok));
  }
}

function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      message: error.message,
      code: typeof code === 'string' ? code : 'error',
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { message: String(error), code: 'error' };
}
