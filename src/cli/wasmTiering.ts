/**
 * V8 moves a WASM function to its optimising compiler once it has run about 1.8 MB of code.
 * onnxruntime's start and session set-up cross that for hundreds of functions that run once,
 * and a process cannot exit before those compiles end. With a larger budget only the kernels
 * that run long still tier up (steady runs are as fast), and one run of the CLI takes half
 * the time (docs/performance.md, "The CLI as a whole process"). The worker inside VS Code
 * keeps V8's default: it shares its process with other extensions, and its later runs gain
 * from the early tier-up.
 */
import { setFlagsFromString } from 'node:v8';

/** Bytes of WASM a function runs before V8 optimises it (V8's default: 1,800,000). */
export const WASM_TIERING_BUDGET = 200_000_000;

/** Call before onnxruntime compiles its WASM; V8 flags hold for the whole process. */
export function tierUpLate(): void {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}
