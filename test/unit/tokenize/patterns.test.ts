/**
 * File-supplied patterns (src/engine/tokenize/parts/patterns.ts): the regexes of released
 * tokenizers compile; the catastrophic shapes and what JavaScript cannot express are refused
 * at load naming the field and the pattern; a refused shape is one that really backtracks.
 */
import assert from 'node:assert/strict';
import { compilePattern } from '../../../src/engine/tokenize/parts/patterns';

const RELEASED: Record<string, string> = {
  gpt2: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
  llama3:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  qwen2:
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k:
    "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  't5 spaces': ' {2,}',
};

describe('file-supplied patterns', () => {
  it('compiles the split regexes of released tokenizers', () => {
    for (const [name, regex] of Object.entries(RELEASED)) {
      assert.ok(compilePattern({ Regex: regex }, 'pre_tokenizer.pattern') instanceof RegExp, name);
    }
  });

  it('expands (?i:…) with Unicode case folding, as Oniguruma matches it', () => {
    const re = compilePattern({ Regex: "(?i:'s|'ll)" }, 'f');
    assert.deepEqual("'s 'S 'ſ 'LL 'lL 'x".match(re), ["'s", "'S", "'ſ", "'LL", "'lL"]);
  });

  it('gives ^, $ and . Ruby’s line rules', () => {
    assert.deepEqual('a\nb\rc'.match(compilePattern({ Regex: '^.' }, 'f')), ['a', 'b']);
    assert.deepEqual('a\r\nb'.match(compilePattern({ Regex: '.$' }, 'f')), ['\r', 'b']);
  });

  it('refuses the catastrophic shapes, naming the field and the pattern', () => {
    for (const regex of [
      '(a+)+$',
      '(a*)*',
      '(a|a)*',
      '(a|aa)+b',
      '((ab)*)+',
      '(\\w+\\s?)*$',
      '(?:x+){2,}',
    ]) {
      assert.throws(
        () => compilePattern({ Regex: regex }, 'normalizer.pattern'),
        (e: Error) =>
          e.message.startsWith(
            `tokenizer.json: normalizer.pattern.Regex ${JSON.stringify(regex)} repeats a group`,
          ),
        regex,
      );
    }
  });

  it('accepts bounded repetitions of groups and repeated plain atoms', () => {
    for (const regex of ["(?:'s|'t)?", '(?:ab){0,1}', 'a+b*c?', '[ab]+(?:cd)+', '(?:a|b)?c+']) {
      assert.doesNotThrow(() => compilePattern({ Regex: regex }, 'f'), regex);
    }
  });

  it('the refused shape is one that really backtracks: (a+)+$ on 26 a’s and a b takes long in JavaScript', () => {
    const text = `${'a'.repeat(26)}b`;
    const start = performance.now();
    /(a+)+$/.test(text);
    assert.ok(performance.now() - start > 50, 'an exponential match is measurably slow');
  });

  it('refuses what JavaScript cannot express, and invalid patterns', () => {
    const cases: [string, RegExp][] = [
      ['a++', /possessive quantifier/],
      ['(?>a)', /uses the group "\(\?>a"/],
      ['[a[b]]', /nested class/],
      ['(a)\\1', /uses the escape \\1/],
      ['(', /has an unclosed "\("/],
      ['a)', /unmatched "\)"/],
      ['*a', /follows nothing/],
    ];
    for (const [regex, message] of cases) {
      assert.throws(() => compilePattern({ Regex: regex }, 'f'), message, regex);
    }
    assert.throws(
      () => compilePattern({ Glob: '*' }, 'f'),
      /f is neither \{"String": …\} nor \{"Regex": …\}/,
    );
  });
});
