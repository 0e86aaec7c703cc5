/**
 * What each scan pattern counts as the targets of a query token (the detection pattern D of
 * TransformerLens's head detector, as sparse rows). Token-level rules are here; those read
 * from characters are in textPatterns.ts. Special tokens (start = end) are never queries.
 *
 * Five rules exclude the key just before the query (induction, duplicate token, brackets,
 * line start, same identifier) so that a previous-token head does not score on them; the
 * rules agree with models/mini-code-gpt/MODEL_CARD.md's role table.
 */
import { inductionTargets } from '../attention/inductionTargets';
import { EngineRunError } from '../errors';
import { compilePattern } from '../tokenize/parts/patterns';
import type { HeadPattern, HeadScanOptions } from './headScanTypes';
import {
  bracketTargets,
  customTargets,
  identifierTargets,
  lineStartTargets,
  type Targets,
  type WindowTokens,
} from './textPatterns';

export type { Targets, WindowTokens } from './textPatterns';

/** Each pattern in words, as the CLI's JSON and the results view say it. */
export const PATTERN_DEFINITIONS: Record<HeadPattern, string> = {
  'previous-token': 'the token just before the query',
  induction:
    'the tokens that followed earlier occurrences of the query token, not the one just before the query (Olsson et al. 2022; HeadVis)',
  'first-token':
    'the first token of the window (the start token where the model has one: an attention sink)',
  'duplicate-token': 'earlier occurrences of the query token itself, not the one just before it',
  brackets:
    'from a closing ) ] } or quote to the token holding its opening bracket or quote (not the token just before)',
  'same-identifier':
    'from the token completing an identifier to the tokens of its earlier occurrences',
  'line-start':
    'the token holding the newline that began the query’s line (not the token just before)',
  custom: 'from tokens matching --from to earlier tokens matching --to',
};

const special = (w: WindowTokens, i: number) => w.tokens[i].start === w.tokens[i].end;

/** The targets of every query of a window, for a compiled pattern. */
export type PatternRule = (w: WindowTokens) => Targets;

/** The rule of `options.pattern`; a custom rule's regexes are compiled (and checked) here. */
export function patternRule(
  options: Pick<HeadScanOptions, 'pattern' | 'from' | 'to'>,
): PatternRule {
  switch (options.pattern) {
    case 'previous-token':
      return (w) =>
        w.tokens.map((_, i) => (i >= 1 && !special(w, i) && !special(w, i - 1) ? [i - 1] : []));
    case 'first-token':
      return (w) => w.tokens.map((_, i) => (i >= 1 && !special(w, i) ? [0] : []));
    case 'induction':
      return (w) =>
        inductionTargets(
          w.tokens.map((t) => t.id),
          (i) => special(w, i),
        );
    case 'duplicate-token':
      return duplicateTargets;
    case 'brackets':
      return bracketTargets;
    case 'same-identifier':
      return identifierTargets;
    case 'line-start':
      return lineStartTargets;
    case 'custom': {
      const fromRe = compileRule(options.from, '--from');
      const toRe = compileRule(options.to, '--to');
      return (w) => customTargets(w, fromRe, toRe);
    }
    default:
      throw new EngineRunError(`Unknown pattern ${JSON.stringify(options.pattern)}.`, 'badInput');
  }
}

function duplicateTargets(w: WindowTokens): Targets {
  const seen = new Map<number, number[]>();
  return w.tokens.map((t, i) => {
    if (special(w, i)) return [];
    const earlier = seen.get(t.id) ?? [];
    const targets = earlier.filter((k) => k < i - 1);
    seen.set(t.id, [...earlier, i]);
    return targets;
  });
}

/**
 * A custom rule's regex through the tokenizer patterns' compiler (Oniguruma syntax, and the
 * shapes that backtrack catastrophically refused), so a user's regex over a whole codebase
 * ends in bounded time. `flag` names it in the message.
 */
export function compileRule(source: string | undefined, flag: string): RegExp {
  if (source === undefined || source === '') {
    throw new EngineRunError(
      `The custom pattern needs ${flag} REGEX (queries match --from, their targets --to).`,
      'badInput',
    );
  }
  try {
    return compilePattern({ Regex: source }, flag);
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    // The compiler words its errors for tokenizer.json; here the regex is the user's.
    const why = said.replace(/^tokenizer\.json: \S+ /, '');
    throw new EngineRunError(`${flag}: ${why}.`, 'badInput');
  }
}
