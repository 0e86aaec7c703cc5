/**
 * Decoder (target) tokens as the views' `Token`s. They have no characters in the editor's
 * text (generated or typed in the panel), so every one is "special" to the shared maths:
 * its label is its own spelling, made readable (the SentencePiece `▁` and byte-level `Ġ`
 * word markers become nothing at the start of a token).
 */
import type { TargetToken, Token } from '../src/engine/types';

const cache = new WeakMap<readonly TargetToken[], Token[]>();

/** `tokens` as source-less `Token`s, the same array for the same input (views compare by identity). */
export function targetTokens(tokens: readonly TargetToken[]): Token[] {
  let out = cache.get(tokens);
  if (!out) {
    out = tokens.map((t) => ({
      id: t.id,
      text: t.special ? t.text : t.text.replace(/^[▁Ġ]/, '') || t.text,
      start: 0,
      end: 0,
      special: t.special,
    }));
    cache.set(tokens, out);
  }
  return out;
}
