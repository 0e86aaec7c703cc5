/**
 * Tiles and block-reduced slices (the matrix view's asks at scale, issue 22): a column range
 * of a row range equals that part of the full result; a block reduction equals the mean or
 * maximum of each block of the full result, partial last blocks included; nonsense is refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineRunError } from '../../../src/engine/errors';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { assertClose } from './referenceAgreement';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT =
  'def add(a, b):\n    return a + b\n\nfor i in range(10):\n    print(add(i, 2), add(3, i))\n';

/** `[heads, ⌈rows/b⌉, ⌈cols/b⌉]` of a `[H, n, n]` layer, by hand. */
function reduceByHand(
  layer: Float32Array,
  n: number,
  heads: number[],
  rows: [number, number],
  cols: [number, number],
  block: number,
  reduce: 'mean' | 'max',
): Float32Array {
  const out: number[] = [];
  for (const h of heads) {
    for (let r = rows[0]; r < rows[1]; r += block) {
      for (let c = cols[0]; c < cols[1]; c += block) {
        const cells: number[] = [];
        for (let i = r; i < Math.min(r + block, rows[1]); i++) {
          for (let j = c; j < Math.min(c + block, cols[1]); j++)
            cells.push(layer[(h * n + i) * n + j]);
        }
        out.push(
          reduce === 'max' ? Math.max(...cells) : cells.reduce((a, b) => a + b, 0) / cells.length,
        );
      }
    }
  }
  return Float32Array.from(out);
}

describe('slice tiles and blocks', () => {
  it('a tile (row range × column range) equals that part of the full result', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const { resultId } = await engine.inspectHeld(BUNDLED, TEXT);
    const n = full.tokens.length;
    assert.ok(n > 20, `the text is ${n} tokens`);
    const rows = { start: 5, end: n - 2 };
    const cols = { start: 3, end: 17 };
    const tile = await engine.slice(resultId, {
      kind: 'encoder',
      layer: 1,
      heads: [2],
      rows,
      cols,
    });
    const expected = reduceByHand(full.attentions[1], n, [2], [5, n - 2], [3, 17], 1, 'mean');
    assertClose(tile, expected);
  });

  it('block means and block maxima equal the full result reduced by hand, last blocks partial', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const { resultId } = await engine.inspectHeld(BUNDLED, TEXT);
    const n = full.tokens.length;
    for (const block of [2, 3, 7]) {
      for (const reduce of ['mean', 'max'] as const) {
        const got = await engine.slice(resultId, {
          kind: 'encoder',
          layer: 3,
          heads: [0, 3],
          rows: { start: 0, end: n },
          block,
          reduce,
        });
        const expected = reduceByHand(full.attentions[3], n, [0, 3], [0, n], [0, n], block, reduce);
        assertClose(got, expected);
      }
    }
    // A block over a tile: both ranges reduced from their own starts.
    const tile = await engine.slice(resultId, {
      kind: 'encoder',
      layer: 0,
      rows: { start: 4, end: n },
      cols: { start: 1, end: 12 },
      block: 4,
    });
    const heads = [0, 1, 2, 3];
    assertClose(tile, reduceByHand(full.attentions[0], n, heads, [4, n], [1, 12], 4, 'mean'));
  });

  it('refuses columns outside the result, blocks that are not counts and blocks of listed rows', async () => {
    const engine = sharedEngine();
    const { resultId, tokens } = await engine.inspectHeld(BUNDLED, TEXT);
    const n = tokens.length;
    const refused = (pattern: RegExp) => (error: unknown) =>
      error instanceof EngineRunError && error.code === 'badInput' && pattern.test(error.message);
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 0, cols: { start: 0, end: n + 1 } }),
      refused(new RegExp(`columns 0–${n}`)),
    );
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 0, block: 0 }),
      refused(/block 0 is not a count/),
    );
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 0, rows: [1, 2], block: 2 }),
      refused(/a row range, not a list/),
    );
  });
});
