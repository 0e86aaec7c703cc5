/** What the CLI tells on stderr about a continuation: its bound, its seed, or why there is none. */
import type { GenerationRequest, HeldResult } from '../engine/types';

export function generationNotes(
  asked: GenerationRequest | undefined,
  result: Pick<HeldResult, 'generation' | 'seq2seq'>,
): string[] {
  if (!asked) return [];
  const generation = result.generation;
  if (!generation) {
    return result.seq2seq
      ? [
          'the model is an encoder-decoder; --generate was ignored (its target is generated: --max-new-tokens).',
        ]
      : [];
  }
  const notes = generation.notice ? [generation.notice] : [];
  if (generation.kind === 'sample' && asked.seed === undefined) {
    notes.push(`sampled with seed ${generation.seed}: --seed ${generation.seed} repeats this run.`);
  }
  return notes;
}
