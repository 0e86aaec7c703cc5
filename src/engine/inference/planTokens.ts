/**
 * Decides which tokens one run inspects: the text's tokens, cut to the model's context
 * without splitting a character, framed by the manifest's special tokens. Whatever is
 * left out is reported, never silently dropped.
 */
import { EngineRunError } from '../errors';
import type { TextTokenizer } from '../tokenize/createTokenizer';
import type { Token, Truncation } from '../types';

/**
 * The most tokens one run inspects, whatever the model's context: attention is N² per head
 * (8192 tokens × 16 heads is 4 GiB of float32), and a context of a million tokens must not
 * mean tokenizing a 10 MB selection whole. Also the maximum of attentionInspector.maxTokens.
 */
export const MAX_TOKENS_PER_RUN = 8192;

/** Beyond this many UTF-16 units per allowed token the rest of the text is not tokenized. */
const MAX_CHARS_PER_TOKEN = 64;

export interface TokenPlan {
  tokens: Token[];
  truncation?: Truncation;
}

export function planTokens(
  tokenizer: TextTokenizer,
  text: string,
  specials: { prepend: string[]; append: string[] },
  maxTokens: number,
  contextSize: number,
): TokenPlan {
  const budget = maxTokens - specials.prepend.length - specials.append.length;
  if (budget < 1) {
    throw new EngineRunError(
      maxTokens < contextSize
        ? `The token limit ${maxTokens} leaves no room for text next to the model's ${specials.prepend.length + specials.append.length} special tokens; raise it (attentionInspector.maxTokens in VS Code, --max-tokens in the CLI).`
        : `The model's context of ${contextSize} tokens ("maxPositions" in manifest.json) leaves no room for text next to its ${specials.prepend.length + specials.append.length} special tokens; fix manifest.json or pick another model.`,
      'badInput',
    );
  }
  // A 10 MB selection must not cost a 10 MB tokenization when only `budget` tokens fit.
  const charLimit = budget * MAX_CHARS_PER_TOKEN;
  const counted = text.length <= charLimit;
  const body = tokenizer.tokenize(counted ? text : text.slice(0, safeCut(text, charLimit)));

  let keep = body.length;
  if (keep > budget) {
    keep = budget;
    // Never keep only some of the byte-level tokens that spell one character.
    while (keep > 0 && body[keep - 1].partial && body[keep]?.start === body[keep - 1].start) keep--;
  }
  if (keep === 0 && (body.length > 0 || !counted))
    throw nothingFits(body.length > 0, maxTokens, budget, charLimit);
  const kept = body.slice(0, keep);
  const inspectedUpTo = kept.length > 0 ? kept[kept.length - 1].end : 0;
  const special = (name: string, at: number): Token => {
    const id = tokenizer.tokenToId(name);
    if (id === undefined) {
      throw new EngineRunError(
        `The special token "${name}" named in manifest.json is not in tokenizer.json; fix the manifest's specialTokens.`,
        'badModel',
      );
    }
    return { id, text: name, start: at, end: at, special: true };
  };
  const tokens = [
    ...specials.prepend.map((name) => special(name, 0)),
    ...kept,
    ...specials.append.map((name) => special(name, inspectedUpTo)),
  ];
  if (keep === body.length && counted) return { tokens };
  const whole = counted
    ? `${body.length + specials.prepend.length + specials.append.length} tokens`
    : `${text.length.toLocaleString('en-US')} characters`;
  return {
    tokens,
    truncation: {
      totalTokens: counted ? body.length + specials.prepend.length + specials.append.length : null,
      inspectedTokens: tokens.length,
      inspectedUpTo,
      reason:
        maxTokens < contextSize
          ? `The text has ${whole}; the first ${tokens.length} tokens were inspected (attentionInspector.maxTokens is ${maxTokens}; the model's context is ${contextSize}).`
          : `The text has ${whole}; the first ${tokens.length} tokens were inspected (the model's context is ${contextSize} tokens).`,
    },
  };
}

/** Truncation left no token of the text: an export of special tokens alone says nothing. */
function nothingFits(
  tokenized: boolean,
  maxTokens: number,
  budget: number,
  charLimit: number,
): EngineRunError {
  return new EngineRunError(
    tokenized
      ? `No text token fits: the token limit ${maxTokens} leaves room for ${budget} next to the model's special tokens, and the text's first character takes more; raise it (attentionInspector.maxTokens in VS Code, --max-tokens in the CLI).`
      : `No text token fits: the first ${charLimit.toLocaleString('en-US')} characters (all that a limit of ${maxTokens} tokens reads) give no tokens, being blank or dropped by the tokenizer; select the text itself, without the leading blank part.`,
    'badInput',
  );
}

/** A cut position that does not split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
