/** Greedy decoding's choice of the next token, which never invents one. */
import { modelError } from '../modelError';

/** Where greedy decoding reads its logits and banned ids, for messages. */
export interface GreedySource {
  label: string;
  graphFile: string;
  bannedFrom: string;
}

/**
 * The greedy choice after the last position: the best id that is not banned. Never invents
 * one: NaN logits (a broken graph) and a vocabulary that is all banned are errors.
 */
export function greedyNext(
  logits: Float32Array,
  banned: ReadonlySet<number>,
  source: GreedySource,
): number {
  let best = -1;
  let bestLogit = Number.NEGATIVE_INFINITY;
  for (let id = 0; id < logits.length; id++) {
    const logit = logits[id]!;
    if (Number.isNaN(logit)) {
      throw noNextToken(
        'runFailed',
        source.label,
        source.graphFile,
        `gave a NaN logit for token id ${id}, so no next token can be chosen`,
        'The weights or the export are broken: re-export the model.',
      );
    }
    if (banned.has(id)) continue;
    if (best < 0 || logit > bestLogit) {
      best = id;
      bestLogit = logit;
    }
  }
  if (best < 0) {
    throw noNextToken(
      'badManifest',
      source.label,
      source.bannedFrom,
      `"bad_words_ids" bans every one of the decoder's ${logits.length} token ids, so none can be generated`,
      'Remove ids from "bad_words_ids", or give the target text instead of generating it.',
      'bad_words_ids',
    );
  }
  return best;
}

/** Errors of `greedyNext`: the cache path must not fall back to full passes on them. */
const noNextTokenErrors = new WeakSet<Error>();

/** Whether `error` came from `greedyNext` (a broken model, not a failed cache step). */
export function isNoNextToken(error: unknown): boolean {
  return error instanceof Error && noNextTokenErrors.has(error);
}

function noNextToken(...args: Parameters<typeof modelError>): Error {
  const error = modelError(...args);
  noNextTokenErrors.add(error);
  return error;
}
