/**
 * A set of code points stored as sorted inclusive ranges, decoded from the compact text form
 * the table generator writes (`gap.length` pairs in base 36, comma-separated, where `gap` is
 * the distance from the previous range's end and `length` is `end - start`).
 */
export class CodePointSet {
  private readonly starts: Uint32Array;
  private readonly ends: Uint32Array;

  constructor(encoded: string) {
    const pairs = encoded === '' ? [] : encoded.split(',');
    this.starts = new Uint32Array(pairs.length);
    this.ends = new Uint32Array(pairs.length);
    let prevEnd = -1;
    pairs.forEach((pair, i) => {
      const [gap, length] = pair.split('.');
      const start = prevEnd + 1 + parseInt(gap!, 36);
      this.starts[i] = start;
      this.ends[i] = prevEnd = start + parseInt(length!, 36);
    });
  }

  /** Whether `cp` is in the set (binary search over the ranges). */
  has(cp: number): boolean {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < this.starts[mid]!) hi = mid - 1;
      else if (cp > this.ends[mid]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /**
   * The ranges as the body of a `u`-flag regular expression character class; `complement`
   * gives every other code point instead (a class body cannot hold a negated class).
   */
  toRegexClassBody(complement = false): string {
    const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;
    const range = (s: number, e: number): string => (s === e ? hex(s) : `${hex(s)}-${hex(e)}`);
    let body = '';
    let next = 0;
    for (let i = 0; i < this.starts.length; i++) {
      const [s, e] = [this.starts[i]!, this.ends[i]!];
      if (!complement) body += range(s, e);
      else if (s > next) body += range(next, s - 1);
      next = e + 1;
    }
    if (complement && next <= 0x10ffff) body += range(next, 0x10ffff);
    return body;
  }
}
