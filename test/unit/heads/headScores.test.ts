/**
 * A head scan's scores equal TransformerLens's `mul` score computed directly from the
 * exported attention (Engine.inspect, every layer's N × N) with a dense detection pattern D
 * built here from each pattern's documented definition: Σ(A ⊙ D) / Σ A over the query rows
 * that have a target, per head, on the bundled model.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HEAD_PATTERNS, type HeadPattern } from '../../../src/engine/heads/headScanTypes';
import type { Token } from '../../../src/engine/types';
import { ROOT, sharedEngine } from '../engine/fixtures';

const MODEL = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = [
  'def area(shape, scale=1):',
  '    return shape["width"] * (shape[\'height\'] + scale)',
  '',
  'def area(shape, scale=1):',
  '    return shape["width"] * (shape[\'height\'] + scale)',
  'total = {"a": [area(x) for x in items]}  # `done`',
  '',
].join('\n');
const CUSTOM = { from: '\\)', to: '\\(|area' };

/** D[q] as a set of keys, written from the definitions in docs/attention-json.md. */
function dense(pattern: HeadPattern, tokens: Token[], text: string): Set<number>[] {
  const n = tokens.length;
  const rows = tokens.map(() => new Set<number>());
  const special = (i: number) => tokens[i].start === tokens[i].end;
  const holding = (offset: number) => tokens.findIndex((t) => t.start <= offset && offset < t.end);
  const overlaps = (i: number, re: RegExp) =>
    [...text.matchAll(new RegExp(re, 'g'))].some(
      (m) => m[0].length > 0 && m.index < tokens[i].end && tokens[i].start < m.index + m[0].length,
    );
  for (let q = 1; q < n; q++) {
    if (special(q)) continue;
    for (let k = 0; k < q; k++) {
      const same = tokens[k].id === tokens[q].id && !special(k);
      const d =
        pattern === 'previous-token'
          ? k === q - 1 && !special(k)
          : pattern === 'first-token'
            ? k === 0
            : pattern === 'duplicate-token'
              ? same && k < q - 1
              : pattern === 'induction'
                ? k >= 1 && k < q - 1 && tokens[k - 1].id === tokens[q].id && !special(k - 1)
                : pattern === 'custom'
                  ? overlaps(q, new RegExp(CUSTOM.from)) && overlaps(k, new RegExp(CUSTOM.to))
                  : false;
      if (d) rows[q].add(k);
    }
  }
  if (pattern === 'brackets') {
    const stack: number[] = [];
    let quote = -1;
    for (let c = 0; c < text.length; c++) {
      const ch = text[c];
      if (quote >= 0) {
        if (ch === '\\') c++;
        else if (ch === text[quote]) {
          const [q, k] = [holding(c), holding(quote)];
          if (q > k + 1) rows[q].add(k);
          quote = -1;
        } else if (ch === '\n' && text[quote] !== '`') quote = -1;
      } else if ('"\'`'.includes(ch)) quote = c;
      else if ('([{'.includes(ch)) stack.push(c);
      else if (')]}'.includes(ch)) {
        const o = stack.pop() as number;
        const [q, k] = [holding(c), holding(o)];
        if ('([{'.indexOf(text[o]) === ')]}'.indexOf(ch) && q > k + 1) rows[q].add(k);
      }
    }
  }
  if (pattern === 'line-start') {
    tokens.forEach((t, q) => {
      if (special(q) || text.slice(t.start, t.end).includes('\n')) return;
      const nl = text.lastIndexOf('\n', t.start - 1);
      const k = nl >= 0 ? holding(nl) : -1;
      if (k >= 0 && k < q - 1) rows[q].add(k);
    });
  }
  if (pattern === 'same-identifier') {
    const found = [...text.matchAll(/[A-Za-z_$][\w$]*/g)].map((m) => ({
      word: m[0],
      first: holding(m.index),
      last: holding(m.index + m[0].length - 1),
    }));
    found.forEach((m, i) => {
      for (const e of found.slice(0, i)) {
        if (e.word !== m.word) continue;
        for (let k = e.first; k <= e.last; k++)
          if (k < m.last - 1 && k < m.first) rows[m.last].add(k);
      }
    });
  }
  return rows;
}

describe('head scan scores (issue 25)', function () {
  this.timeout(120_000);

  for (const exclude of [false, true]) {
    it(`equal Σ(A ⊙ D) / Σ A from exported attention for every pattern${exclude ? ', first and current token excluded' : ''}`, async () => {
      const engine = sharedEngine();
      const full = await engine.inspect(MODEL, TEXT);
      const n = full.tokens.length;
      const heads = full.model.heads;
      for (const pattern of HEAD_PATTERNS) {
        const scan = await engine.startHeadScan(MODEL, {
          pattern,
          ...(pattern === 'custom' ? CUSTOM : {}),
          excludeFirst: exclude,
          excludeCurrent: exclude,
        });
        const file = await scan.addFile('t.py', TEXT);
        const result = scan.result();
        const d = dense(pattern, full.tokens, TEXT);
        const counted = d.map((keys, q) => (keys.size > 0 ? q : -1)).filter((q) => q >= 0);
        assert.ok(counted.length >= 3, `${pattern}: only ${counted.length} queries count`);
        assert.equal(file.counted, counted.length, `${pattern}: counted queries`);
        for (const rank of result.heads) {
          const a = full.attentions[rank.layer];
          let onTargets = 0;
          let total = 0;
          for (const q of counted) {
            const row = (rank.head * n + q) * n;
            for (let k = 0; k <= q; k++) {
              if (exclude && (k === 0 || k === q)) continue;
              total += a[row + k];
              if (d[q].has(k)) onTargets += a[row + k];
            }
          }
          assert.equal(rank.count, counted.length);
          assert.ok(
            Math.abs((rank.score as number) - onTargets / total) < 1e-5,
            `${pattern} L${rank.layer} H${rank.head}: ${rank.score} vs ${onTargets / total}`,
          );
        }
        assert.equal(result.heads.length, full.model.layers * heads);
        for (const [i, rank] of result.heads.entries()) {
          if (i > 0) assert.ok((result.heads[i - 1].score as number) >= (rank.score as number));
        }
      }
    });
  }

  it('gives each head its best examples: query, strongest target and where they are', async () => {
    const engine = sharedEngine();
    const scan = await engine.startHeadScan(MODEL, { pattern: 'previous-token' });
    await scan.addFile('t.py', TEXT);
    const { heads, examples } = scan.result();
    const best = examples.filter((e) => e.layer === heads[0].layer && e.head === heads[0].head);
    assert.ok(best.length > 0);
    for (const e of best) {
      assert.equal(e.query, TEXT.slice(e.start, e.end));
      assert.equal(e.key, TEXT.slice(e.keyStart, e.keyEnd));
      assert.equal(e.keyEnd, e.start, 'the previous token ends where the query starts');
      assert.equal(e.line, TEXT.slice(0, e.start).split('\n').length);
      assert.deepEqual([e.windowStart, e.windowEnd], [0, TEXT.length]);
    }
  });

  it('stops a file at its next window when cancelled', async () => {
    const scan = await sharedEngine().startHeadScan(MODEL, {
      pattern: 'previous-token',
      windowTokens: 24,
    });
    let asked = 0;
    await assert.rejects(
      scan.addFile('t.py', TEXT, () => ++asked > 2),
      (error: Error & { code?: string }) => error.code === 'cancelled',
    );
    assert.equal(asked, 3, 'two windows ran, the third was not started');
  });
});
