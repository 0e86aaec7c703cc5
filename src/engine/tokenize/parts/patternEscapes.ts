/**
 * Oniguruma's escapes in a pattern tokenizer.json supplies (`\p{…}`, `\d`, `\x…`, `\b`, …),
 * translated into JavaScript regular expression text that matches the same characters: the
 * Unicode classes from the generated tables, Ruby's anchors. Part of patterns.ts's translator.
 */
import { unicodeClass } from '../unicodeClasses';
import type { UnicodeTableName } from '../unicodeTables';
import { escapeLiteral, caseBody } from './caseFolding';

/** Oniguruma's classes whose Unicode version differs from the JavaScript engine's. */
const PROPERTIES: Record<string, UnicodeTableName> = {
  L: 'byteLevelLetter',
  Letter: 'byteLevelLetter',
  N: 'byteLevelNumber',
  Number: 'byteLevelNumber',
  Lu: 'onigLu',
  Ll: 'onigLl',
  Lt: 'onigLt',
  Lm: 'onigLm',
  Lo: 'onigLo',
  M: 'onigM',
  Mark: 'onigM',
  Nd: 'onigDigit',
  P: 'onigP',
  Punctuation: 'onigP',
  S: 'onigS',
  Symbol: 'onigS',
};

const SHORTHANDS: Record<string, [UnicodeTableName, boolean]> = {
  s: ['byteLevelSpace', false],
  S: ['byteLevelSpace', true],
  d: ['onigDigit', false],
  D: ['onigDigit', true],
  w: ['onigWord', false],
  W: ['onigWord', true],
};

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\\n',
  t: '\\t',
  r: '\\r',
  f: '\\f',
  v: '\\v',
  a: '\\x07',
  e: '\\x1b',
};

export interface Parsed {
  text: string;
  /** Contains a quantifier or an alternation: repeating it can backtrack exponentially. */
  risky: boolean;
  quantifiable: boolean;
}

/** Where the translator stands in the pattern, and how it refuses one. */
export interface PatternCursor {
  readonly src: string;
  i: number;
  readonly fail: (why: string) => never;
}

/** The escape at `at.i` (a backslash), moving past it; in a class, class-body text. */
export function translateEscape(at: PatternCursor, fold: boolean, inClass = false): Parsed {
  const c = at.src[at.i + 1];
  if (c === undefined) return at.fail('ends with a backslash');
  at.i += 2;
  const plain = (text: string, quantifiable = true): Parsed => ({
    text,
    risky: false,
    quantifiable,
  });
  const table = (name: UnicodeTableName, negate: boolean): Parsed => {
    const set = unicodeClass(name);
    if (inClass) return plain(set.toRegexClassBody(negate));
    return plain(`[${negate ? '^' : ''}${set.toRegexClassBody()}]`);
  };
  if (c === 'p' || c === 'P') {
    const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(at.src.slice(at.i));
    if (!m) return at.fail('has a \\p without {Name}');
    at.i += m[0].length;
    const negate = (c === 'P') !== (m[1] === '^');
    const name = PROPERTIES[m[2]!];
    if (name) return table(name, negate);
    const js = `\\${negate ? 'P' : 'p'}{${m[2]}}`;
    return plain(inClass ? js : `[${js}]`);
  }
  if (SHORTHANDS[c]) return table(...SHORTHANDS[c]);
  if (SIMPLE_ESCAPES[c]) return plain(SIMPLE_ESCAPES[c]);
  if (c === 'h' || c === 'H') {
    return plain(inClass && c === 'h' ? '0-9a-fA-F' : `[${c === 'H' ? '^' : ''}0-9a-fA-F]`);
  }
  if (c === 'x' || c === 'u') {
    const m = (c === 'x' ? /^(\{[0-9a-fA-F]{1,8}\}|[0-9a-fA-F]{1,2})/ : /^[0-9a-fA-F]{4}/).exec(
      at.src.slice(at.i),
    );
    if (!m) return at.fail(`has a malformed \\${c} escape`);
    at.i += m[0].length;
    const hex = m[0].replace(/[{}]/g, '');
    const ch = String.fromCodePoint(Number.parseInt(hex, 16));
    return plain(fold ? `[${caseBody(ch)}]` : `\\u{${hex}}`);
  }
  if (c === '0' && !/[0-7]/.test(at.src[at.i] ?? '')) return plain('\\x00');
  if (!inClass) {
    const word = unicodeClass('onigWord').toRegexClassBody();
    const anchors: Record<string, string> = {
      A: '(?<![\\s\\S])',
      z: '(?![\\s\\S])',
      Z: '(?=\\n?(?![\\s\\S]))',
      b: `(?:(?<=[${word}])(?![${word}])|(?<![${word}])(?=[${word}]))`,
      B: `(?:(?<=[${word}])(?=[${word}])|(?<![${word}])(?![${word}]))`,
    };
    if (anchors[c]) return plain(anchors[c], false);
  }
  if (/[0-9A-Za-z]/.test(c)) return at.fail(`uses the escape \\${c}, not supported`);
  const ch = String.fromCodePoint(at.src.codePointAt(at.i - 1)!);
  at.i += ch.length - 1;
  return plain(escapeLiteral(ch, inClass));
}
