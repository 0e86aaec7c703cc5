/** How files are cut into windows, and the character-level pattern rules on hand-made tokens. */
import assert from 'node:assert/strict';
import { overlapFor, planWindows } from '../../../src/engine/heads/scanWindows';
import {
  bracketTargets,
  customTargets,
  identifierTargets,
  lineStartTargets,
} from '../../../src/engine/heads/textPatterns';
import type { Token } from '../../../src/engine/types';

/** One token per character, after a start token. */
function charTokens(text: string): Token[] {
  const start: Token = { id: 0, text: '<s>', start: 0, end: 0, special: true };
  return [
    start,
    ...[...text].map((ch, i) => ({
      id: ch.charCodeAt(0),
      text: ch,
      start: i,
      end: i + 1,
      special: false,
    })),
  ];
}

describe('head scan windows and rules (issue 25)', () => {
  it('counts every token once over overlapping windows, and stops at the budget', () => {
    for (const count of [0, 1, 100, 511, 512, 1000, 5000]) {
      const overlap = overlapFor(511);
      assert.equal(overlap, 63);
      const { windows, truncated } = planWindows(count, 511, overlap);
      assert.equal(truncated, false);
      const counted = windows.reduce((sum, w) => sum + (w.to - w.countFrom), 0);
      assert.equal(counted, count);
      for (const [i, w] of windows.entries()) {
        assert.ok(w.to - w.from <= 511);
        if (i > 0) {
          assert.equal(w.from, windows[i - 1].from + 448, 'stride = 511 − 63');
          assert.equal(w.countFrom, windows[i - 1].to, 'queries counted once');
        }
      }
    }
    const cut = planWindows(5000, 511, 63, 1000);
    assert.equal(cut.truncated, true);
    assert.equal(
      cut.windows.reduce((sum, w) => sum + (w.to - w.countFrom), 0),
      1000,
    );
  });

  it('matches brackets and quotes, line starts, identifiers and custom regexes on characters', () => {
    const text = 'f(a[1], "x")\n  g(f)';
    const w = { text, tokens: charTokens(text) };
    const at = (offset: number) => offset + 1;
    const brackets = bracketTargets(w);
    assert.deepEqual(brackets[at(5)], [at(3)], '] → [');
    assert.deepEqual(brackets[at(10)], [at(8)], 'closing quote → opening quote');
    assert.deepEqual(brackets[at(11)], [at(1)], ') → (');
    assert.deepEqual(brackets[at(18)], [at(16)], ') → ( on the next line');
    const lines = lineStartTargets(w);
    assert.deepEqual(lines[at(18)], [at(12)], 'to the newline that began the line');
    assert.deepEqual(lines[at(13)], [], 'not the token just before');
    const ids = identifierTargets(w);
    assert.deepEqual(ids[at(17)], [at(0)], 'the second f → the first');
    const custom = customTargets(w, /\)/gu, /[fg]/gu);
    assert.deepEqual(custom[at(18)], [at(0), at(15), at(17)]);
    assert.deepEqual(custom[at(0)], []);
  });
});
