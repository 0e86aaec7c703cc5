/**
 * The one rule for how long the engine may stay in one stage (src/engine/stage.ts) before
 * the host's watchdog stops its worker. The base is a setting in the extension
 * (`attentionInspector.runTimeoutSeconds`) and a flag in the CLI (`--timeout`); bigger
 * models and longer inputs get proportionally more.
 */
import type { EngineStage } from '../engine/stage';

/** The base bound in seconds, for a model up to `REFERENCE_BYTES` on up to `REFERENCE_TOKENS`. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 60;
/** Limits of the setting and the flag. */
export const RUN_TIMEOUT_RANGE = { min: 1, max: 3600 } as const;

const REFERENCE_BYTES = 64 * 1024 * 1024;
const REFERENCE_TOKENS = 256;
/** Tokenizing this many characters is one base unit (a linear tokenizer does 1 MB in ~1 s). */
const REFERENCE_CHARACTERS = 100_000;
/**
 * Loading includes the runtime's first WASM compile, which a busy machine has stretched to
 * 18 s; a short base (a test's `--timeout 3`) must not trip on that.
 */
const LOAD_FLOOR_SECONDS = 30;

/** Milliseconds `stage` may run, given the base in seconds. */
export function stageDeadlineMs(stage: EngineStage, baseSeconds: number): number {
  const size = Math.max(1, (stage.modelBytes ?? 0) / REFERENCE_BYTES);
  switch (stage.kind) {
    case 'load':
      return Math.max(baseSeconds, LOAD_FLOOR_SECONDS) * 1000 * size;
    case 'run':
      return baseSeconds * 1000 * size * Math.max(1, (stage.tokens ?? 0) / REFERENCE_TOKENS);
    case 'text':
      return baseSeconds * 1000 * Math.max(1, (stage.tokens ?? 0) / REFERENCE_CHARACTERS);
  }
}
