/**
 * Either end of a `child_process.fork` IPC channel as an Rpc `MessageEndpoint`. The channel
 * uses `serialization: 'advanced'` (structured clone: typed arrays arrive as typed arrays);
 * nothing can be transferred between processes, so transfer lists are ignored and buffers
 * are copied (docs/decisions.md has what that costs).
 */
import type { MessageEndpoint } from '../protocol/rpc';

/** What a `ChildProcess` and a forked child's `process` have in common. */
interface IpcPeer {
  send?(
    message: unknown,
    sendHandle?: undefined,
    options?: object,
    callback?: (error: Error | null) => void,
  ): boolean;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  off(event: 'message', listener: (value: unknown) => void): unknown;
}

export function processEndpoint(peer: IpcPeer): MessageEndpoint {
  return {
    post(message) {
      // A closed channel (the other side died) is reported by the exit, not here: the
      // callback keeps the send error from becoming an uncaught 'error' event.
      peer.send?.(message, undefined, {}, () => undefined);
    },
    listen(handler) {
      peer.on('message', handler);
      return () => peer.off('message', handler);
    },
  };
}
