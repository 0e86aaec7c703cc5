/**
 * How many WASM threads "auto" (`threads: 0`) gives the engine: enough for the work, none
 * that cost more than they save, and never every core of a machine VS Code also runs on.
 * The figures behind each constant are in docs/performance.md ("Threads that fit the work").
 *
 * onnxruntime-web fixes the count once per WASM instance (`ort.env.wasm.numThreads`, read
 * when the runtime starts: one global intra-op pool, no per-session setting), so the count is
 * chosen when the engine worker starts, from the model it is started for, and the worker is
 * restarted when a model that wants another count is selected (src/worker/threadChoice.ts).
 */
import type { Surface } from '../surface';

/**
 * Below this many floating-point operations per forward pass, one thread: at the ~25 GFLOP/s
 * one WASM thread does, such a pass takes under a second, and what a second thread saves
 * (37 ms for the bundled model at 512 tokens) is not worth a core VS Code also needs.
 */
export const SMALL_WORK_FLOPS = 20e9;

/**
 * The most threads "auto" picks: ONNX Runtime's own WASM default stops at 4 too, and past it
 * a forward pass is bound by memory bandwidth, not cores.
 */
export const MAX_AUTO_THREADS = 4;

/** What the choice depends on. */
export interface ThreadWork {
  /** Cores this process may use (`os.availableParallelism()`). */
  cores: number;
  /**
   * Cores other processes keep busy now (the one-minute load average, rounded down, at most
   * the tasks runnable now: src/worker/threadChoice.ts; 0 where
   * the system does not say): a thread waiting for a core another process holds stalls every
   * other thread of the run (docs/performance.md measures it).
   */
  busyCores?: number;
  /** The model's parameters (weights), e.g. from its graph's initializer bytes. */
  parameters: number;
  /** Tokens of a typical run: the text's, or the most one run inspects. */
  tokens: number;
  /** The extension leaves a core to VS Code; the CLI has the machine to itself. */
  surface: Surface;
}

/** A forward pass costs about 2 × parameters × tokens floating-point operations. */
export function forwardFlops(parameters: number, tokens: number): number {
  return 2 * parameters * tokens;
}

export function autoThreads(work: ThreadWork): number {
  if (forwardFlops(work.parameters, work.tokens) < SMALL_WORK_FLOPS) return 1;
  const headroom = work.surface === 'extension' ? 1 : 0;
  const free = Math.floor(work.cores) - headroom - Math.max(0, Math.floor(work.busyCores ?? 0));
  return Math.max(1, Math.min(MAX_AUTO_THREADS, free));
}
