import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatWeight, serializeAttentionJson } from '../../../src/engine/export/attentionJson';
import { fixtureModel, sharedEngine } from '../engine/fixtures';

describe('attention JSON export', () => {
  it('9 significant digits round-trip every float32', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = formatWeight(value, 9);
        assert.equal(Math.fround(Number(text)), Object.is(value, -0) ? 0 : value);
        assert.doesNotThrow(() => JSON.parse(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('fewer digits when asked, without trailing zeros', () => {
    assert.equal(formatWeight(0.5, 9), '0.5');
    assert.equal(formatWeight(Math.fround(0.123456789), 3), '0.123');
    assert.equal(formatWeight(Math.fround(1.5e-7), 2), '1.5e-7');
    assert.equal(formatWeight(0, 9), '0');
  });

  it('writes the documented shape, restricted to chosen layers and heads', async () => {
    const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), 'if (a) { b(); }');
    const all = JSON.parse(serializeAttentionJson(result));
    const n = result.tokens.length;
    assert.equal(all.format, 'attention-inspector/1');
    assert.equal(all.model.architecture, 'decoder');
    assert.equal(all.text, 'if (a) { b(); }');
    assert.equal(all.tokens.length, n);
    assert.deepEqual(Object.keys(all.tokens[1]).sort(), ['end', 'id', 'special', 'start', 'text']);
    assert.equal(all.attentions.length, result.model.layers);
    assert.equal(all.attentions[0].length, result.model.heads);
    assert.equal(all.attentions[0][0].length, n);
    assert.equal(all.attentions[0][0][0].length, n);
    const layer1head1 = result.attentions[1].subarray((1 * n + 3) * n, (1 * n + 4) * n);
    assert.deepEqual(
      all.attentions[1][1][3].map(Math.fround),
      [...layer1head1],
      'float32 values survive exactly',
    );

    const some = JSON.parse(
      serializeAttentionJson(result, { layers: [1], heads: [1, 0], digits: 3 }),
    );
    assert.deepEqual(some.layers, [1]);
    assert.deepEqual(some.heads, [1, 0]);
    assert.equal(some.attentions.length, 1);
    assert.equal(some.attentions[0].length, 2);
    assert.ok(Math.abs(some.attentions[0][0][3][2] - layer1head1[2]) < 5e-3);
    assert.throws(() => serializeAttentionJson(result, { layers: [7] }), /no layer 7/);
  });
});
