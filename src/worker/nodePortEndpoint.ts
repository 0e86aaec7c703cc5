/** A Node worker, or either end of a `MessageChannel`, as an Rpc `MessageEndpoint`. */
import type { MessageEndpoint } from '../protocol/rpc';

/** What `Worker`, `MessagePort` and `parentPort` have in common. */
interface NodePort {
  postMessage(value: unknown, transferList?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
}

export function nodePortEndpoint(port: NodePort): MessageEndpoint {
  return {
    post: (message, transfer) => port.postMessage(message, transfer),
    listen(handler) {
      port.on('message', handler);
      return () => port.off('message', handler);
    },
  };
}
