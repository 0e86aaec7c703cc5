/** Encoder-decoder targets: what the user typed, and what a re-run must decode again. */
import type { TargetRequest } from '../engine/types';
import type { ResultInfo } from '../shared/resultInfo';
import { DEFAULT_TARGET } from '../engine/types';

/** A typed target: empty (or only whitespace) asks the model to generate greedily. */
export function targetFromText(text: string): TargetRequest {
  return text.trim() === '' ? DEFAULT_TARGET : { kind: 'given', text };
}

/** The target that produced `result`, so a re-run decodes the same way; undefined: not seq2seq. */
export function targetOf(result: ResultInfo): TargetRequest | undefined {
  const target = result.seq2seq?.target;
  if (!target) return undefined;
  return target.kind === 'given'
    ? { kind: 'given', text: target.text }
    : { kind: 'greedy', maxNewTokens: target.maxNewTokens };
}
