/**
 * Decides which tokens one run inspects: the text's tokens, cut to the model's context
 * without splitting a character, framed by the manifest's special tokens. Whatever is
 * left out is reported, never silently dropped.
 */
import { EngineRunError } from '../errors';
import { factHome, type ModelManifest } from '../folder/manifest';
import type { TextTokenizer } from '../tokenize/createTokenizer';
import { knob, type Surface } from '../surface';
import type { Token, Truncation } from '../types';
import type { LimitSource } from './tokenBudget';

/**
 * The most tokens one run inspects, whatever the model's context: attention is N² per head
 * (8192 tokens × 16 heads is 4 GiB of float32), and a context of a million tokens must not
 * mean tokenizing a 10 MB selection whole. Also the maximum the token-limit knob takes.
 */
export const MAX_TOKENS_PER_RUN = 8192;

/** Beyond this many UTF-16 units per allowed token the rest of the text is not tokenized. */
const MAX_CHARS_PER_TOKEN = 64;

export interface TokenPlan {
  tokens: Token[];
  truncation?: Truncation;
}

/** The limits of one run and, for advice, where each is set. */
export interface TokenLimits {
  /** The token limit asked for (already capped by the context). */
  maxTokens: number;
  /** Who set it: the user, the memory bound of the default (tokenBudget.ts), or the context. */
  from: LimitSource;
  /** The model's context, and where the folder sets it (`"n_positions" (1024) in config.json`). */
  contextSize: number;
  contextHome: string;
  /** Where the special tokens come from, e.g. `manifest.json ("specialTokens")`. */
  specialsHome: string;
  /** Who asked: advice names that surface's knobs. */
  surface: Surface;
}

/** The limits of a run of `manifest`'s model asked for by `surface`. */
export function limitsOf(
  manifest: ModelManifest,
  maxTokens: number,
  surface: Surface,
  from: LimitSource = maxTokens < manifest.maxPositions ? 'asked' : 'context',
): TokenLimits {
  return {
    maxTokens,
    from,
    contextSize: manifest.maxPositions,
    contextHome: factHome(manifest, 'maxPositions', manifest.maxPositions),
    // A manifest names its special tokens; a Hugging Face folder's come from its tokenizer files.
    specialsHome: manifest.factsFrom
      ? 'the tokenizer files (tokenizer_config.json, the post-processor of tokenizer.json)'
      : 'manifest.json ("specialTokens")',
    surface,
  };
}

export function planTokens(
  tokenizer: TextTokenizer,
  text: string,
  specials: { prepend: string[]; append: string[] },
  limits: TokenLimits,
): TokenPlan {
  const { maxTokens, contextSize, surface, from } = limits;
  const tokenLimit = knob('maxTokens', surface);
  const budget = maxTokens - specials.prepend.length - specials.append.length;
  if (budget < 1) {
    throw new EngineRunError(
      from !== 'context'
        ? `The token limit ${maxTokens} leaves no room for text next to the model's ${specials.prepend.length + specials.append.length} special tokens; raise it (${tokenLimit}).`
        : `The model's context of ${contextSize} tokens (${limits.contextHome}) leaves no room for text next to its ${specials.prepend.length + specials.append.length} special tokens; fix that field or pick another model.`,
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
    throw nothingFits(body.length > 0, maxTokens, budget, charLimit, tokenLimit);
  const kept = body.slice(0, keep);
  const inspectedUpTo = kept.length > 0 ? kept[kept.length - 1].end : 0;
  const special = (name: string, at: number): Token => {
    const id = tokenizer.tokenToId(name);
    if (id === undefined) {
      throw new EngineRunError(
        `The special token "${name}" that ${limits.specialsHome} adds is not in tokenizer.json; fix ${limits.specialsHome}.`,
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
      reason: `The text has ${whole}; the first ${tokens.length} tokens were inspected (${why(limits, tokenLimit)}).`,
    },
  };
}

/** Why the run stopped where it did, naming the knob that moves it. */
function why(limits: TokenLimits, tokenLimit: string): string {
  const { maxTokens, contextSize } = limits;
  switch (limits.from) {
    case 'asked':
      return `the token limit, ${tokenLimit}, is ${maxTokens}; the model's context is ${contextSize}`;
    case 'memory':
      return `by default this model inspects ${maxTokens} tokens, what fits in the engine's memory; its context is ${contextSize}, and ${tokenLimit} sets another limit`;
    case 'context':
      return `the model's context is ${contextSize} tokens`;
  }
}

/** Truncation left no token of the text: an export of special tokens alone says nothing. */
function nothingFits(
  tokenized: boolean,
  maxTokens: number,
  budget: number,
  charLimit: number,
  tokenLimit: string,
): EngineRunError {
  return new EngineRunError(
    tokenized
      ? `No text token fits: the token limit ${maxTokens} leaves room for ${budget} next to the model's special tokens, and the text's first character takes more; raise it (${tokenLimit}).`
      : `No text token fits: the first ${charLimit.toLocaleString('en-US')} characters (all that a limit of ${maxTokens} tokens reads) give no tokens, being blank or dropped by the tokenizer; select the text itself, without the leading blank part.`,
    'badInput',
  );
}

/** A cut position that does not split a surrogate pair. */
function safeCut(text: string, at: number): number {
  const code = text.charCodeAt(at - 1);
  return code >= 0xd800 && code <= 0xdbff ? at - 1 : at;
}
