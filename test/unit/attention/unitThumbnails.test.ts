/**
 * Thumbnails as a view groups its tokens (issue 22): the engine's `overview` with `units`
 * equals the block means of each head projected onto units by the views' own code
 * (src/shared/displayUnits.ts `projectMatrix`), for word level and hidden specials, on a
 * result longer than a thumbnail; units that do not fit the result are refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { thumbnailsOf } from '../../../src/engine/attention/thumbnails';
import { EngineRunError } from '../../../src/engine/errors';
import { THUMBNAIL_SIDE, type Token } from '../../../src/engine/types';
import { displayUnits, projectMatrix } from '../../../src/shared/displayUnits';
import { headMatrix } from '../../../src/shared/squareMatrix';
import { ROOT, sharedEngine } from '../engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = Array.from(
  { length: 40 },
  (_, i) => `def helper_${i}(value):\n    return value * ${i} + helper_${i + 1}(value)\n`,
).join('');

describe('thumbnails by display unit', () => {
  it('equal the block means of the views’ own projection, word level and hidden specials', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = full.tokens.length;
    const heads = full.model.heads;
    assert.ok(n > 2 * THUMBNAIL_SIDE, `the text is ${n} tokens`);
    // Every 37th token stands in for a special token, so hiding drops some and renormalises.
    const tokens: Token[] = full.tokens.map((t, i) => ({ ...t, special: i % 37 === 0 }));
    for (const options of [
      { wordLevel: true, hideSpecial: false },
      { wordLevel: false, hideSpecial: true },
      { wordLevel: true, hideSpecial: true },
    ]) {
      const display = displayUnits(tokens, full.text, options);
      const count = display.units.length;
      const units = {
        unitOfToken: Array.from(display.unitOfToken),
        renormalise: display.renormalise,
      };
      for (const layer of [0, 3]) {
        const got = await engine.overview(held.resultId, 'encoder', layer, units);
        const projected = new Float32Array(heads * count * count);
        for (let h = 0; h < heads; h++) {
          const m = projectMatrix(headMatrix(full.attentions[layer], n, h), display);
          projected.set(m.data, h * count * count);
        }
        const expected = thumbnailsOf(projected, heads, count, count);
        assert.equal(got.side, expected.side);
        assert.equal(got.blockRows, expected.blockRows);
        let worst = 0;
        for (let k = 0; k < expected.thumbnails.length; k++) {
          worst = Math.max(worst, Math.abs(got.thumbnails[k] - expected.thumbnails[k]));
        }
        assert.ok(worst <= 1e-6, `${JSON.stringify(options)} layer ${layer}: differs by ${worst}`);
        const plain = await engine.overview(held.resultId, 'encoder', layer);
        assert.deepEqual(got.summaries, plain.summaries, 'summaries stay per token');
      }
    }
  });

  it('refuses units that do not name one per token', async () => {
    const engine = sharedEngine();
    const { resultId, tokens } = await engine.inspectHeld(BUNDLED, 'x = 1\ny = 2\n');
    const refused = (pattern: RegExp) => (error: unknown) =>
      error instanceof EngineRunError && error.code === 'badInput' && pattern.test(error.message);
    const units = { unitOfToken: [0, 1], renormalise: false };
    await assert.rejects(
      engine.overview(resultId, 'encoder', 0, units),
      refused(new RegExp(`each of the ${tokens.length} tokens`)),
    );
    const wrong = { unitOfToken: tokens.map(() => 2.5), renormalise: false };
    await assert.rejects(engine.overview(resultId, 'encoder', 0, wrong), refused(/no unit 2.5/));
  });
});
