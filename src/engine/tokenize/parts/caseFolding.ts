/**
 * Literal text in translated patterns (src/engine/tokenize/parts/patterns.ts): escaping, and
 * the characters a letter matches case-insensitively, for Oniguruma's `(?i:…)`.
 */

/** `text` as a literal in a `u`-flag regex (in a class, `-` is escaped too). */
export function escapeLiteral(text: string, inClass = false): string {
  return text.replace(inClass ? /[\\^$.*+?()[\]{}|/-]/g : /[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

let everyCharacter: string | undefined;
const caseBodies = new Map<string, string>();

/** Every character that case-insensitively matches `ch` (Unicode simple case folding). */
export function caseBody(ch: string): string {
  let body = caseBodies.get(ch);
  if (body === undefined) {
    if (everyCharacter === undefined) {
      const cps: string[] = [];
      for (let cp = 0; cp < 0x20000; cp++) {
        if (cp < 0xd800 || cp > 0xdfff) cps.push(String.fromCodePoint(cp));
      }
      everyCharacter = cps.join('');
    }
    const same = Array.from(
      everyCharacter.matchAll(new RegExp(escapeLiteral(ch), 'giu')),
      (m) => m[0],
    );
    body = [...new Set([ch, ...same])].map((s) => escapeLiteral(s, true)).join('');
    caseBodies.set(ch, body);
  }
  return body;
}
