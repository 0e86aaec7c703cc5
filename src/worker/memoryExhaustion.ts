/**
 * Test-only: makes the engine process run out of memory at its first graph run, so the tests
 * (test/unit/worker/childProcess.test.ts, test/hostile/outOfMemory.test.ts) can show the
 * host's message and restart without a model that really needs gigabytes. Read from the
 * environment by the child entry only; unset, nothing changes.
 *   js:   allocate on the JavaScript heap until V8 aborts the process (start it with a small
 *         --max-old-space-size to keep that quick and small);
 *   wasm: a WebAssembly memory refuses to grow, as onnxruntime's heap does at its 4 GiB.
 */
import type { MessageEndpoint } from '../protocol/rpc';

/** The part of the WebAssembly global used here (the project's `lib` has no WebAssembly types). */
declare const WebAssembly: {
  Memory: new (size: { initial: number; maximum: number }) => { grow(pages: number): number };
};

export const EXHAUST_MEMORY_ENV = 'ATTENTION_INSPECTOR_TEST_EXHAUST_MEMORY';

/** `endpoint`, or one that exhausts memory right after announcing a graph run. */
export function exhaustingMemoryIfAsked(endpoint: MessageEndpoint): MessageEndpoint {
  const mode = process.env[EXHAUST_MEMORY_ENV];
  if (mode !== 'js' && mode !== 'wasm') return endpoint;
  return {
    listen: (handler) => endpoint.listen(handler),
    post(message, transfer) {
      endpoint.post(message, transfer);
      // The stage went out first (a pipe write is immediate), so the host knows the run.
      if (announcesRun(message)) (mode === 'js' ? exhaustJsHeap : refuseWasmGrowth)();
    },
  };
}

function announcesRun(message: unknown): boolean {
  const event = (message as { kind?: string; event?: { stage?: { kind?: string } } }) ?? {};
  return event.kind === 'event' && event.event?.stage?.kind === 'run';
}

function exhaustJsHeap(): void {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1 << 20).fill(hoard.length + 0.5));
}

/** Throws the RangeError a WASM heap at its maximum gives (virtual memory only, no pages touched). */
function refuseWasmGrowth(): void {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 });
  memory.grow(17);
}
