/**
 * V8 moves a WASM function to its optimising compiler once it has run about 1.8 MB of code.
 * onnxruntime's start and session set-up cross that for hundreds of functions that run once,
 * and those compiles take the CPU the first load and run need (and a process cannot exit
 * before they end). With a larger budget only the kernels that run long still tier up
 * (steady runs are as fast): one run of the CLI takes half the time, and the extension's
 * engine process loads the bundled model and runs it the first time ~0.5 s sooner
 * (docs/performance.md). Only processes of our own set it: V8 flags hold for a whole process.
 */
import { setFlagsFromString } from 'node:v8';

/** Bytes of WASM a function runs before V8 optimises it (V8's default: 1,800,000). */
export const WASM_TIERING_BUDGET = 200_000_000;

/** Call before onnxruntime compiles its WASM; V8 flags hold for the whole process. */
export function tierUpLate(): void {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}
