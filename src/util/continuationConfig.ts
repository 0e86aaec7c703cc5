/**
 * The continuation settings (issue 23: "Continue with Attention"), part of `Config`
 * (config.ts spreads them in): how many tokens, the newline stop, and sampling. Read with the
 * same clamping as every setting: a value out of range falls back to a safe one.
 */
import { DEFAULT_GENERATED_TOKENS, type GenerationRequest } from '../engine/generationTypes';
import { MAX_SEED } from '../engine/inference/seededRandom';

export interface ContinuationConfig {
  /** New tokens at most (the engine bounds them by the context). */
  continuationMaxTokens: number;
  continuationStopAtNewline: boolean;
  /** 0: greedy; above 0: sampled at this temperature. */
  continuationTemperature: number;
  continuationTopP: number;
  /** −1: a new seed per run (shown in the panel); else this seed. */
  continuationSeed: number;
}

/** Settings the continuation reads, with the minimum and maximum package.json states. */
export const CONTINUATION_TOKEN_RANGE = { min: 1, max: 4096 } as const;

export const DEFAULT_CONTINUATION_CONFIG: Readonly<ContinuationConfig> = {
  continuationMaxTokens: DEFAULT_GENERATED_TOKENS,
  continuationStopAtNewline: false,
  continuationTemperature: 0,
  continuationTopP: 1,
  continuationSeed: -1,
};

export function readContinuationConfig(source: {
  get<T>(key: string): T | undefined;
}): ContinuationConfig {
  const d = DEFAULT_CONTINUATION_CONFIG;
  const { min, max } = CONTINUATION_TOKEN_RANGE;
  const topP = number(source.get('continuationTopP'), d.continuationTopP, 0, 1);
  return {
    continuationMaxTokens: Math.round(
      number(source.get('continuationMaxTokens'), d.continuationMaxTokens, min, max),
    ),
    continuationStopAtNewline: source.get('continuationStopAtNewline') === true,
    continuationTemperature: number(
      source.get('continuationTemperature'),
      d.continuationTemperature,
      0,
      10,
    ),
    // top-p 0 would keep nothing: the default keeps everything.
    continuationTopP: topP > 0 ? topP : d.continuationTopP,
    continuationSeed: Math.round(number(source.get('continuationSeed'), -1, -1, MAX_SEED)),
  };
}

/** The engine request the settings describe. */
export function generationRequestOf(config: ContinuationConfig): GenerationRequest {
  const sampled = config.continuationTemperature > 0;
  return {
    maxNewTokens: config.continuationMaxTokens,
    ...(config.continuationStopAtNewline ? { stopAtNewline: true } : {}),
    ...(sampled
      ? {
          temperature: config.continuationTemperature,
          topP: config.continuationTopP,
          ...(config.continuationSeed >= 0 ? { seed: config.continuationSeed } : {}),
        }
      : {}),
  };
}

function number(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
