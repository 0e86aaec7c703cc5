/**
 * The export fields of a continuation (issue 23, docs/attention-json.md): `generation` (how
 * the tokens were chosen and why they stopped) and `generated_tokens` (the last entries of
 * `tokens`, which with `attentions` and `predictions` cover prompt + generated).
 */
import type { GenerationInfo } from '../generationTypes';

export function generationFields(generation: GenerationInfo | undefined): Record<string, unknown> {
  if (!generation) return {};
  const { kind, maxNewTokens, stoppedAtEos, temperature, topP, seed, forced } = generation;
  return {
    generation: {
      kind,
      maxNewTokens,
      stoppedAtEos,
      ...(kind === 'sample' ? { temperature, topP, seed } : {}),
      ...(forced ? { forced } : {}),
    },
    generated_tokens: generation.generated.map(({ id, text, special }) => ({ id, text, special })),
  };
}
