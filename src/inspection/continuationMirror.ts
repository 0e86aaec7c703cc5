/**
 * What the editor mirror gets of a result with a continuation (issue 23): the generated
 * tokens are not in the document, so their ranges are emptied at the end of the prompt (where
 * the ghost text shows them) and the text is the prompt's. Rows, hovers and slices still read
 * the held result by its id: only where tokens sit in the document changes.
 */
import type { HeldResult } from '../engine/types';

export function promptOnly(result: HeldResult): HeldResult {
  const generation = result.generation;
  if (!generation) return result;
  const end = result.text.length - generation.continuation.length;
  return {
    ...result,
    text: result.text.slice(0, end),
    tokens: result.tokens.map((token, i) =>
      i < generation.promptTokens ? token : { ...token, start: end, end },
    ),
  };
}
