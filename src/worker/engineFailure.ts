/**
 * What the host says when the engine dies or runs out of memory: one paragraph naming the
 * model, its size, the tokens, and what to do. The engine process (or thread) is gone or
 * spent either way; the client restarts it, and the message says so.
 */
import { formatBytes } from '../engine/folder/fileLimits';
import { knob, type Surface } from '../engine/surface';

/** What the host knew the engine was doing when it failed (from the request and its stages). */
export interface EngineWork {
  /** The model folder of the last request. */
  modelDir?: string;
  /** Bytes of the graph and its external data, as the engine announced them. */
  modelBytes?: number;
  /** Tokens of the last graph run announced. */
  tokens?: number;
}

/**
 * How allocation failures read: WASM (`std::bad_alloc`, Emscripten's `Aborted(…)`, a refused
 * `WebAssembly.Memory` grow), V8 (`JavaScript heap out of memory`, a thread past its limit:
 * `ERR_WORKER_OUT_OF_MEMORY`), and typed arrays that could not be allocated.
 */
const OUT_OF_MEMORY =
  /bad_alloc|out of memory|\bAborted\b|WebAssembly\.Memory|Cannot enlarge memory|Array buffer allocation failed|Invalid typed array length|ERR_WORKER_OUT_OF_MEMORY|heap limit|\bOOM\b/i;
/** A process ended by a signal: the kernel's out-of-memory killer sends SIGKILL, V8's OOM SIGABRT. */
const KILLED = /^killed by (SIG[A-Z0-9]+)/;

/** True when `reason` (an exit reason or an error message) says memory ran out. */
export function isOutOfMemory(reason: string): boolean {
  return OUT_OF_MEMORY.test(reason);
}

/** True when the engine should be told as memory trouble: out of memory, or killed by a signal. */
export function isMemoryFailure(reason: string): boolean {
  return isOutOfMemory(reason) || KILLED.test(reason);
}

/** The line of a process's output that says why it died, if one does, else its last line. */
export function tellingLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.find((line) => isOutOfMemory(line)) ?? lines.at(-1) ?? '';
}

/**
 * The sentence of an error message that says memory ran out, without the advice around it
 * (the engine's own advice for a failed run is about positions, not memory).
 */
export function memorySentence(message: string): string {
  const sentences = message.split(/(?<=\.)\s+/);
  return (sentences.find((sentence) => isOutOfMemory(sentence)) ?? message).replace(/\.$/, '');
}

/** The message for an engine that died (`reason` from the handle) or ran out of memory. */
export function engineFailureMessage(reason: string, work: EngineWork, surface: Surface): string {
  if (!isMemoryFailure(reason)) {
    return `The inference engine stopped unexpectedly (${reason})${during(work)}. Run the command again to start a fresh one.`;
  }
  const signal = KILLED.exec(reason)?.[1];
  const what =
    signal && !isOutOfMemory(reason)
      ? `The inference engine was killed (${signal}; when memory runs out the system ends the largest process)`
      : `The inference engine ran out of memory (${reason})`;
  return (
    `${what}${during(work)}; a fresh engine starts with the next inspection. Inspect fewer ` +
    `tokens (lower ${knob('maxTokens', surface)}), or use a smaller model or a 4-bit ` +
    `variant where the folder has one (${knob('smallerVariant', surface)}).`
  );
}

/** ` running mini-code-gpt (1.2 MiB of graph and weights) on 212 tokens`, as far as known. */
function during(work: EngineWork): string {
  if (!work.modelDir) return '';
  const name = work.modelDir.split(/[\\/]/).filter(Boolean).at(-1) ?? work.modelDir;
  const size = work.modelBytes ? ` (${formatBytes(work.modelBytes)} of graph and weights)` : '';
  const tokens = work.tokens ? ` on ${work.tokens.toLocaleString('en-US')} tokens` : '';
  return ` running ${name}${size}${tokens}`;
}
