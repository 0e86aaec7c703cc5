/**
 * The generated Unicode tables (src/engine/tokenize/unicodeTables.ts) against the reference on
 * every code point. The BERT tables are covered end to end by the every-code-point test in
 * oracleAgreement.test.ts; the GPT-2 split classes are checked here on all planes.
 */
import assert from 'node:assert/strict';
import { byteLevelPreTokenizer } from 'tokenizers';
import { byteLevelEncode } from '../../../src/engine/tokenize/parts/preTokenizers/byteLevelAlphabet';
import { gpt2Regex } from '../../../src/engine/tokenize/parts/preTokenizers/byteLevel';
import { CodePointSet } from '../../../src/engine/tokenize/codePointSet';
import { encodeRanges } from '../../../tools/tokenize/generateUnicodeTables';
import { allScalarValues } from './nativeUnicodeProbe';

describe('Unicode tables', () => {
  it('the GPT-2 split regex cuts the text of every code point where the reference does', () => {
    const everything = allScalarValues()
      .map((cp) => String.fromCodePoint(cp))
      .join('');
    const ours = Array.from(everything.matchAll(gpt2Regex()), (m) => byteLevelEncode(m[0]));
    const reference = byteLevelPreTokenizer(false, true)
      .preTokenizeString(everything)
      .map(([piece]) => piece);
    assert.equal(ours.length, reference.length);
    assert.deepEqual(ours, reference);
  });

  it('encodes and decodes code point ranges losslessly', () => {
    const cps = [0, 1, 2, 5, 0x7f, 0x80, 0xffff, 0x10000, 0x10fffe, 0x10ffff];
    const set = new CodePointSet(encodeRanges(cps));
    for (let cp = 0; cp <= 0x10ffff; cp += 0x3ff) assert.equal(set.has(cp), cps.includes(cp));
    for (const cp of cps) assert.ok(set.has(cp));
    assert.ok(!set.has(3) && !set.has(0x10fffd));
    assert.equal(new CodePointSet('').has(0), false);
    assert.equal(
      set.toRegexClassBody(),
      '\\u{0}-\\u{2}\\u{5}\\u{7f}-\\u{80}\\u{ffff}-\\u{10000}\\u{10fffe}-\\u{10ffff}',
    );
  });
});
