/**
 * A continuation request checked at the engine's edge (the CLI and the extension both send
 * one): every number a clear one-line refusal naming its flag or setting when it is not one
 * the run can use, and new tokens bounded by the context left after the prompt, with a notice.
 */
import { EngineRunError } from '../errors';
import type { GenerationRequest } from '../generationTypes';
import { knob, type Surface } from '../surface';
import { MAX_SEED, newSeed } from './seededRandom';

/** What the run does: the request's numbers, settled. */
export type GenerationPlan = {
  maxNewTokens: number;
  stopAtNewline: boolean;
  /** The first ids, forced (a fork); empty when none. */
  forced: number[];
  notice?: string;
} & ({ kind: 'greedy' } | { kind: 'sample'; temperature: number; topP: number; seed: number });

export function checkGeneration(
  request: GenerationRequest,
  promptTokens: number,
  contextTokens: number,
  surface: Surface,
): GenerationPlan {
  const asked = request.maxNewTokens;
  if (!Number.isInteger(asked) || asked < 1) {
    throw bad(
      `The number of new tokens must be a whole number of at least 1, not ${String(asked)}: set ${knob('generate', surface)}.`,
    );
  }
  const room = contextTokens - promptTokens;
  if (room < 1) {
    throw bad(
      `The text fills the ${contextTokens} tokens the model can take (${promptTokens} with special tokens), so there is no room to continue it: select less text, or raise ${knob('maxTokens', surface)} if it is below the model's context.`,
    );
  }
  const maxNewTokens = Math.min(asked, room);
  const notice =
    maxNewTokens < asked
      ? `At most ${maxNewTokens} new tokens fit after the ${promptTokens}-token text in the model's ${contextTokens} (asked for ${asked}).`
      : undefined;
  const common = {
    maxNewTokens,
    stopAtNewline: request.stopAtNewline === true,
    forced: checkForced(request.forced, maxNewTokens),
    ...(notice ? { notice } : {}),
  };
  const temperature = request.temperature ?? 0;
  if (!Number.isFinite(temperature) || temperature < 0) {
    throw bad(
      `The temperature must be a number of at least 0 (0 is greedy), not ${String(temperature)}: set ${knob('temperature', surface)}.`,
    );
  }
  if (temperature === 0) return { kind: 'greedy', ...common };
  const topP = request.topP ?? 1;
  if (!Number.isFinite(topP) || topP <= 0 || topP > 1) {
    throw bad(
      `top-p must be above 0 and at most 1, not ${String(topP)}: set ${knob('topP', surface)}.`,
    );
  }
  const seed = request.seed ?? newSeed();
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw bad(
      `The seed must be a whole number from 0 to ${MAX_SEED}, not ${String(seed)}: set ${knob('seed', surface)}.`,
    );
  }
  return { kind: 'sample', temperature, topP, seed, ...common };
}

/** A fork's forced ids: whole numbers, no more than the tokens the run may write. */
function checkForced(forced: unknown, maxNewTokens: number): number[] {
  if (forced === undefined) return [];
  if (!Array.isArray(forced) || !forced.every((id) => Number.isInteger(id) && id >= 0)) {
    throw bad(`A fork's forced tokens must be a list of token ids, not ${JSON.stringify(forced)}.`);
  }
  if (forced.length > maxNewTokens) {
    throw bad(
      `A fork forces ${forced.length} tokens but the run writes at most ${maxNewTokens}: fork at an earlier step.`,
    );
  }
  return forced as number[];
}

function bad(message: string): EngineRunError {
  return new EngineRunError(message, 'badInput');
}
