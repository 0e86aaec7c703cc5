/**
 * Unicode White_Space: what Rust's `char::is_whitespace` and its `regex` `\s` match, which the
 * reference uses to split words and to strip around added tokens. (JavaScript's `\s` differs:
 * it adds U+FEFF and lacks U+0085.)
 */
export const WHITE_SPACE = /[\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/** Whether the code point is White_Space (all such code points are in the BMP). */
export function isWhiteSpace(cp: number): boolean {
  return cp <= 0x3000 && WHITE_SPACE.test(String.fromCharCode(cp));
}
