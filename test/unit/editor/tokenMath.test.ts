import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import type { Token } from '../../../src/engine/types';
import {
  describeRowSource,
  editInvalidates,
  mapRangeThroughEdits,
  tokenAt,
  topAttended,
  weightLevel,
} from '../../../src/editor/tokenMath';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers') as typeof import('tokenizers');
const TOKENIZER = 'test/fixtures/models/decoder-attn/tokenizer.json';

/** Real byte-level BPE tokens with offsets, a special token in front (as the engine adds it). */
async function tokensOf(text: string): Promise<Token[]> {
  const tokenizer = Tokenizer.fromFile(TOKENIZER);
  const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
  const ids = encoding.getIds();
  const pieces = encoding.getTokens();
  const tokens: Token[] = [{ id: 0, text: '<|endoftext|>', start: 0, end: 0, special: true }];
  encoding.getOffsets().forEach(([start, end], i) => {
    tokens.push({ id: ids[i], text: pieces[i], start, end, special: false });
  });
  return tokens;
}

describe('tokenMath', () => {
  const source = 'def f(x):\r\n\treturn [x, "é"]\r\n';

  it('finds the token under every offset of a CRLF text with a split character', async () => {
    const tokens = await tokensOf(source);
    for (let offset = 0; offset < source.length; offset++) {
      const index = tokenAt(tokens, offset);
      assert.notEqual(index, null, `offset ${offset}`);
      const token = tokens[index as number];
      assert.ok(
        token.start <= offset && offset < token.end,
        `offset ${offset} → ${JSON.stringify(token)}`,
      );
      assert.equal(token.special, false);
    }
    // "é" is two byte-level tokens sharing one character: the first of them is reported.
    const e = source.indexOf('é');
    const sharing = tokens.map((t, i) => [t, i] as const).filter(([t]) => t.start === e);
    assert.equal(sharing.length, 2);
    assert.equal(tokenAt(tokens, e), sharing[0][1]);
  });

  it('takes the token ending at the offset when none starts there, and nothing before the text', async () => {
    const tokens = await tokensOf('x = 1');
    const last = tokens.length - 1;
    assert.equal(tokenAt(tokens, 5), last);
    assert.equal(tokenAt(tokens, 6), null);
    assert.equal(tokenAt([], 0), null);
    assert.equal(tokenAt(tokens.slice(0, 1), 0), null, 'special tokens have no source');
  });

  it('picks the k largest weights in order, skipping zeros and ineligible tokens', () => {
    const weights = new Float32Array([0.05, 0.4, 0, 0.3, 0.25]);
    assert.deepEqual(
      topAttended(weights, 2).map((a) => a.index),
      [1, 3],
    );
    assert.deepEqual(
      topAttended(weights, 10).map((a) => a.index),
      [1, 3, 4, 0],
    );
    assert.deepEqual(
      topAttended(weights, 2, (i) => i !== 1).map((a) => a.index),
      [3, 4],
    );
  });

  it('agrees with a full sort on random rows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: 0, max: 1, noNaN: true }), { maxLength: 64 }),
        fc.integer({ min: 1, max: 10 }),
        (row, k) => {
          const expected = row
            .map((weight, index) => ({ index, weight }))
            .filter((a) => a.weight > 0)
            .sort((a, b) => b.weight - a.weight || a.index - b.index)
            .slice(0, k)
            .map((a) => a.weight);
          assert.deepEqual(
            topAttended(row, k).map((a) => a.weight),
            expected,
          );
        },
      ),
    );
  });

  it('describes where a row comes from', () => {
    assert.equal(describeRowSource({ layer: 2, head: 3 }), 'layer 2 head 3');
    assert.equal(describeRowSource({ layer: 2, head: null }), 'layer 2, mean of heads');
    assert.equal(describeRowSource('all'), 'mean of all layers and heads');
  });

  it('shades in steps proportional to the largest weight', () => {
    assert.equal(weightLevel(1, 1, 5), 5);
    assert.equal(weightLevel(0.5, 1, 5), 3);
    assert.equal(weightLevel(0.01, 1, 5), 1);
    assert.equal(weightLevel(0.2, 0.2, 5), 5);
  });

  it('invalidates on edits inside or before the inspected text only', () => {
    const end = 20;
    assert.equal(editInvalidates([{ rangeOffset: 0, rangeLength: 0 }], end), true, 'insert before');
    assert.equal(
      editInvalidates([{ rangeOffset: 19, rangeLength: 1 }], end),
      true,
      'delete inside',
    );
    assert.equal(
      editInvalidates([{ rangeOffset: 20, rangeLength: 0 }], end),
      false,
      'insert right after',
    );
    assert.equal(editInvalidates([{ rangeOffset: 25, rangeLength: 3 }], end), false, 'edit later');
    assert.equal(editInvalidates([], end), false);
  });

  it('moves the inspected range along with edits, as the text itself moves', () => {
    // Model: apply the edits to a string with markers and compare with the mapped offsets.
    const arbitraryEdit = fc.record({
      rangeOffset: fc.integer({ min: 0, max: 40 }),
      rangeLength: fc.integer({ min: 0, max: 8 }),
      text: fc.string({ maxLength: 6 }).map((s) => s.replace(/[[\]]/g, '')),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 10 }),
        arbitraryEdit,
        (start, length, raw) => {
          const doc = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ'.slice(0, 48);
          const end = Math.min(doc.length, start + length);
          const rangeOffset = Math.min(raw.rangeOffset, doc.length);
          const edit = {
            ...raw,
            rangeOffset,
            rangeLength: Math.min(raw.rangeLength, doc.length - rangeOffset),
          };
          const after =
            doc.slice(0, edit.rangeOffset) +
            edit.text +
            doc.slice(edit.rangeOffset + edit.rangeLength);
          const mapped = mapRangeThroughEdits({ start, end }, [edit]);
          const editEnd = edit.rangeOffset + edit.rangeLength;
          if (
            editEnd < start ||
            edit.rangeOffset > end ||
            (edit.rangeLength > 0 && editEnd === start)
          ) {
            // Untouched text: the same characters, shifted.
            assert.equal(after.slice(mapped.start, mapped.end), doc.slice(start, end));
          } else {
            // Touched: what survived of the range plus the inserted text, and nothing else.
            const kept =
              doc.slice(start, Math.max(start, Math.min(end, edit.rangeOffset))) +
              edit.text +
              doc.slice(Math.max(editEnd, start), end);
            assert.equal(after.slice(mapped.start, mapped.end), kept);
          }
        },
      ),
    );
  });

  it('maps several edits of one change event, given in any order', () => {
    const edits = [
      { rangeOffset: 30, rangeLength: 0, text: 'zz' },
      { rangeOffset: 2, rangeLength: 3, text: '' },
      { rangeOffset: 12, rangeLength: 0, text: 'XY' },
    ];
    assert.deepEqual(mapRangeThroughEdits({ start: 10, end: 20 }, edits), { start: 7, end: 19 });
  });
});
