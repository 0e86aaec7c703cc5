/**
 * The continuation flags of `dist/cli.js` (issue 23): `--generate N` with `--temperature T`,
 * `--top-p P`, `--seed S` and `--stop-at-newline`. Their option entries sit in cliArgs.ts's
 * table (with every other flag); this turns their values into the engine's request. The
 * engine bounds N by the context and says so; here only what is not a number is refused.
 */
import type { GenerationRequest } from '../engine/generationTypes';
import { MAX_SEED } from '../engine/inference/seededRandom';
import { UsageError } from './cliArgs';

export interface GenerateValues {
  generate?: string;
  temperature?: string;
  'top-p'?: string;
  seed?: string;
  'stop-at-newline'?: boolean;
}

/** New tokens `--generate` accepts at most (the engine then bounds them by the context). */
const MAX_GENERATE = 1 << 20;

export function generateRequest(values: GenerateValues): { generate?: GenerationRequest } {
  if (values.generate === undefined) {
    const stray = (['temperature', 'top-p', 'seed', 'stop-at-newline'] as const).find(
      (flag) => values[flag] !== undefined,
    );
    if (stray) {
      throw new UsageError(`--${stray} shapes a continuation: give --generate N with it.`);
    }
    return {};
  }
  const maxNewTokens = wholeNumber(values.generate, '--generate', 1, MAX_GENERATE);
  const temperature =
    values.temperature === undefined
      ? undefined
      : decimal(values.temperature, '--temperature', (t) => t >= 0, 'a number of at least 0');
  const topP =
    values['top-p'] === undefined
      ? undefined
      : decimal(values['top-p'], '--top-p', (p) => p > 0 && p <= 1, 'a number above 0, at most 1');
  if ((topP !== undefined || values.seed !== undefined) && !(temperature && temperature > 0)) {
    throw new UsageError(
      '--top-p and --seed shape sampling: give --temperature above 0 with them (without it the continuation is greedy).',
    );
  }
  return {
    generate: {
      maxNewTokens,
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(values.seed === undefined
        ? {}
        : { seed: wholeNumber(values.seed, '--seed', 0, MAX_SEED) }),
      ...(values['stop-at-newline'] ? { stopAtNewline: true } : {}),
    },
  };
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${text}".`);
  }
  return value;
}

function decimal(text: string, flag: string, ok: (value: number) => boolean, what: string): number {
  // A plain decimal only: Number() would also take "", "0x1" and "Infinity".
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || !ok(value)) {
    throw new UsageError(`${flag} takes ${what}, not "${text}".`);
  }
  return value;
}
