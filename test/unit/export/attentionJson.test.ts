import assert from 'node:assert/strict';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  type AttentionSlicer,
  attentionJsonChunks,
  type ExportedResult,
  type ExportOptions,
  formatWeight,
  sliceTensors,
} from '../../../src/engine/export/attentionJson';
import type { AttentionKind } from '../../../src/engine/types';
import { fixtureModel, ROOT, sharedEngine } from '../engine/fixtures';
import { serializeAttentionJson } from './referenceAttentionJson';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const OPUS = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
const CODE = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2), add(3, 4))\n';

/** The streamed export, its chunks and the slices it asked for. */
async function streamed(
  result: ExportedResult,
  slice: AttentionSlicer,
  options: ExportOptions = {},
  sliceNumbers?: number,
): Promise<{ text: string; chunks: string[]; asked: [AttentionKind, number, number[]][] }> {
  const asked: [AttentionKind, number, number[]][] = [];
  const recording: AttentionSlicer = (kind, layer, heads) => {
    asked.push([kind, layer, [...heads]]);
    return slice(kind, layer, heads);
  };
  const chunks: string[] = [];
  for await (const chunk of attentionJsonChunks(result, recording, options, sliceNumbers)) {
    chunks.push(chunk);
  }
  return { text: chunks.join(''), chunks, asked };
}

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
    const slice = sliceTensors(result);
    const all = JSON.parse((await streamed(result, slice)).text);
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

    const options = { layers: [1], heads: [1, 0], digits: 3 };
    const some = JSON.parse((await streamed(result, slice, options)).text);
    assert.deepEqual(some.layers, [1]);
    assert.deepEqual(some.heads, [1, 0]);
    assert.equal(some.attentions.length, 1);
    assert.equal(some.attentions[0].length, 2);
    assert.ok(Math.abs(some.attentions[0][0][3][2] - layer1head1[2]) < 5e-3);
    await assert.rejects(streamed(result, slice, { layers: [7] }), /no layer 7/);
  });

  describe('streamed from a held result, byte-identical to the whole-result writer', () => {
    const cases: [string, string, string, ExportOptions, object][] = [
      ['the bundled model', BUNDLED, CODE, {}, {}],
      [
        'the bundled model, --layers 3,1 --heads 2,0 --digits 4',
        BUNDLED,
        CODE,
        { layers: [3, 1], heads: [2, 0], digits: 4 },
        {},
      ],
      [
        'the bundled model with --steps',
        BUNDLED,
        CODE,
        { heads: [1] },
        { steps: [{ layer: 2, head: 1 }] },
      ],
      ['opus-mt-tiny (encoder-decoder)', OPUS, 'The cat sat on the mat.', {}, {}],
      [
        'opus-mt-tiny, --layers 1 --heads 3,0',
        OPUS,
        'The cat sat on the mat.',
        { layers: [1], heads: [3, 0] },
        { target: { kind: 'given', text: 'Die Katze saß.' } },
      ],
    ];
    for (const [what, modelDir, text, options, inspectOptions] of cases) {
      it(what, async () => {
        const engine = sharedEngine();
        const whole = await engine.inspect(modelDir, text, inspectOptions);
        const held = await engine.inspectHeld(modelDir, text, inspectOptions);
        const slice: AttentionSlicer = (kind, layer, heads) =>
          engine.slice(held.resultId, { kind, layer, heads });
        const reference = serializeAttentionJson(whole, options);
        const predictions = (rows: number[], k: number) =>
          engine.predictions(held.resultId, rows, k);
        const out = await streamed(held, slice, { ...options, predictions });
        assert.equal(out.text, reference);
        // Only what the export holds was asked for: one slice per selected layer and stack.
        const { layers, heads } = JSON.parse(out.text) as { layers: number[]; heads: number[] };
        if (options.heads) assert.deepEqual(heads, options.heads);
        const kinds: AttentionKind[] = held.seq2seq ? ['encoder', 'decoder', 'cross'] : ['encoder'];
        assert.deepEqual(
          out.asked,
          kinds.flatMap((kind) => layers.map((layer) => [kind, layer, heads])),
        );
      });
    }
  });

  it('a long layer is asked for a few heads at a time; chunks stay small', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, CODE.repeat(4));
    const n = held.tokens.length;
    const slice: AttentionSlicer = (kind, layer, heads) =>
      engine.slice(held.resultId, { kind, layer, heads });
    const whole = await streamed(held, slice);
    // At most 2 heads' weights per slice: heads go 2, 2 per layer.
    const paired = await streamed(held, slice, {}, 2 * n * n + 1);
    assert.equal(paired.text, whole.text);
    assert.deepEqual(paired.asked.slice(0, 2), [
      ['encoder', 0, [0, 1]],
      ['encoder', 0, [2, 3]],
    ]);
    const single = await streamed(held, slice, { layers: [2], heads: [3, 1, 2] }, 1);
    assert.deepEqual(single.asked, [
      ['encoder', 2, [3]],
      ['encoder', 2, [1]],
      ['encoder', 2, [2]],
    ]);
    const longest = Math.max(...whole.chunks.map((c) => c.length));
    assert.ok(longest < 16384 * 12 + 12 * n, `a chunk of ${longest} characters`);
    const weights = held.model.layers * held.model.heads * n * n;
    assert.ok(whole.chunks.length >= weights / 16384, `${whole.chunks.length} chunks`);
  });

  it('a slice of the wrong size is refused with what was expected', async () => {
    const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), 'if (a) { b(); }');
    const short: AttentionSlicer = async (_kind, _layer, heads) => new Float32Array(heads.length);
    await assert.rejects(streamed(result, short), /layer 0 came as \d+ weights, not \d+ heads/);
  });
});
