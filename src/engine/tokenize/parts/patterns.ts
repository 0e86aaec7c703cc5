/**
 * The one home of every pattern tokenizer.json supplies (`Split` pre-tokenizers, `Replace`
 * normalizers). The native library compiles them with Oniguruma (Ruby syntax); this module
 * translates them into JavaScript regular expressions that match the same text — Oniguruma's
 * Unicode classes from the generated tables, `(?i:…)` expanded, `^`/`$`/`.` with Ruby's
 * line rules — and refuses at load the shapes that backtrack catastrophically (a repeated
 * group that itself repeats or alternates: `(a+)+`, `(a*)*`, `(a|a)*`), since a file from the
 * Hub is untrusted input. See docs/decisions.md ("file-supplied patterns").
 */
import { caseBody, escapeLiteral } from './caseFolding';
import { fileError } from './fileError';
import { type Parsed, type PatternCursor, translateEscape } from './patternEscapes';

/** Compiles a `{"String": …}` or `{"Regex": …}` pattern at `field` into a global regex. */
export function compilePattern(pattern: unknown, field: string): RegExp {
  const p = (pattern ?? {}) as { String?: unknown; Regex?: unknown };
  if (typeof p.String === 'string') return new RegExp(escapeLiteral(p.String), 'gu');
  if (typeof p.Regex !== 'string') {
    throw fileError(field, 'is neither {"String": …} nor {"Regex": …}');
  }
  const source = p.Regex;
  const fail = (why: string): never => {
    throw fileError(`${field}.Regex`, `${JSON.stringify(source)} ${why}`);
  };
  const translated = new Translator(source, fail).translate();
  try {
    return new RegExp(translated, 'gu');
  } catch {
    return fail('is not a valid regular expression');
  }
}

class Translator implements PatternCursor {
  i = 0;

  constructor(
    readonly src: string,
    readonly fail: (why: string) => never,
  ) {}

  translate(): string {
    const body = this.alternatives(false);
    if (this.i < this.src.length) this.fail('has an unmatched ")"');
    return body.text;
  }

  private alternatives(fold: boolean): Parsed {
    const branches: string[] = [];
    let current = '';
    let risky = false;
    while (this.i < this.src.length && this.src[this.i] !== ')') {
      if (this.src[this.i] === '|') {
        branches.push(current);
        current = '';
        risky = true;
        this.i++;
        continue;
      }
      const atom = this.atom(fold);
      const q = this.quantifier();
      if (q) {
        if (!atom.quantifiable) this.fail('has a quantifier that follows nothing it can repeat');
        if (q.repeats && atom.risky) {
          this.fail(
            'repeats a group that itself repeats or alternates, which can take exponential time; refused',
          );
        }
        risky = true;
        current += atom.text + q.text;
      } else {
        risky ||= atom.risky;
        current += atom.text;
      }
    }
    branches.push(current);
    return { text: branches.join('|'), risky, quantifiable: true };
  }

  private atom(fold: boolean): Parsed {
    const c = this.src[this.i]!;
    const plain = (text: string, quantifiable = true): Parsed => ({
      text,
      risky: false,
      quantifiable,
    });
    switch (c) {
      case '(':
        return this.group(fold);
      case '[':
        return plain(this.charClass(fold));
      case '.':
        this.i++;
        return plain('[^\\n]');
      case '^':
        this.i++;
        return plain('(?<![^\\n])', false);
      case '$':
        this.i++;
        return plain('(?![^\\n])', false);
      case '\\':
        return translateEscape(this, fold);
      case '*':
      case '+':
      case '?':
        return this.fail('has a quantifier that follows nothing it can repeat');
      default: {
        const cp = this.src.codePointAt(this.i)!;
        const ch = String.fromCodePoint(cp);
        this.i += ch.length;
        return plain(fold ? `[${caseBody(ch)}]` : escapeLiteral(ch));
      }
    }
  }

  private group(fold: boolean): Parsed {
    const rest = this.src.slice(this.i);
    const prefix = ['(?<=', '(?<!', '(?:', '(?i:', '(?=', '(?!', '('].find(
      (p) => rest.startsWith(p) && (p !== '(' || rest[1] !== '?'),
    );
    if (!prefix)
      return this.fail(`uses the group ${JSON.stringify(rest.slice(0, 4))}, not supported`);
    this.i += prefix.length;
    const inner = this.alternatives(fold || prefix === '(?i:');
    if (this.src[this.i] !== ')') this.fail('has an unclosed "("');
    this.i++;
    const lookaround = prefix.length > 2 && prefix !== '(?:' && prefix !== '(?i:';
    // Captures are never read; non-capturing keeps the translation free of numbering.
    const open = lookaround ? prefix : '(?:';
    return { text: `${open}${inner.text})`, risky: inner.risky, quantifiable: !lookaround };
  }

  private quantifier(): { text: string; repeats: boolean } | undefined {
    const rest = this.src.slice(this.i);
    let text: string;
    let repeats: boolean;
    const interval = /^\{(\d*)(,(\d*))?\}/.exec(rest);
    if (rest[0] === '*' || rest[0] === '+' || rest[0] === '?') {
      text = rest[0];
      repeats = rest[0] !== '?';
    } else if (interval && (interval[1] !== '' || (interval[3] ?? '') !== '')) {
      const min = interval[1] === '' ? 0 : Number(interval[1]);
      const max =
        interval[2] === undefined ? min : interval[3] === '' ? Infinity : Number(interval[3]);
      text = `{${min}${interval[2] === undefined ? '' : `,${max === Infinity ? '' : max}`}}`;
      repeats = max > 1;
    } else return undefined;
    this.i += rest[0] === '{' ? interval![0].length : 1;
    if (this.src[this.i] === '+') this.fail('uses a possessive quantifier, not supported');
    if (this.src[this.i] === '?') {
      text += '?';
      this.i++;
    }
    return { text, repeats };
  }

  private charClass(fold: boolean): string {
    this.i++;
    let negate = false;
    if (this.src[this.i] === '^') {
      negate = true;
      this.i++;
    }
    let body = '';
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      const c = this.src[this.i]!;
      first = false;
      if (c === '[' || this.src.startsWith('&&', this.i)) {
        this.fail('uses a nested class or class intersection, not supported');
      }
      if (c === '\\') {
        body += this.classEscape();
        continue;
      }
      const ch = String.fromCodePoint(this.src.codePointAt(this.i)!);
      this.i += ch.length;
      if (ch === '-') body += '-';
      else body += fold ? caseBody(ch) : escapeLiteral(ch, true);
    }
    if (this.src[this.i] !== ']') this.fail('has an unclosed "["');
    this.i++;
    return `[${negate ? '^' : ''}${body}]`;
  }

  /** An escape inside a class, as class-body text. */
  private classEscape(): string {
    const c = this.src[this.i + 1] ?? '';
    if (c === 'b') {
      this.i += 2;
      return '\\x08';
    }
    const parsed = translateEscape(this, false, true);
    return parsed.text;
  }
}
