/**
 * `--norms` and `--logit-lens K` on the built CLI with the bundled model (issue 24): the
 * export's head writes and logit lens equal PyTorch's (tools/fixtures/make_norm_references.py),
 * its value-weighted attention is its attention times PyTorch's value norms.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../engine/fixtures';
import { runCli } from './runCli';

interface Reference {
  ids: number[];
  text: string;
  layers: { values: number[][]; writes: number[][] }[];
  lens: { id: number; prob: number }[][][];
}

interface Exported {
  tokens: { id: number }[];
  attentions: number[][][][];
  attention_norms: number[][][][];
  head_output_norms: number[][][];
  logit_lens: { id: number; text: string; prob: number }[][][];
}

const REFERENCE = join(ROOT, 'test', 'fixtures', 'norms', 'mini-code-gpt.norms.json');

/** Largest |got − want| over the largest |want|, per row. */
function worst(got: number[], want: number[]): number {
  const max = Math.max(...want.map(Math.abs));
  return Math.max(...want.map((w, i) => Math.abs(got[i] - w) / max));
}

describe('CLI --norms --logit-lens (bundled model)', function () {
  this.timeout(60000);

  it('exports value-weighted attention, head writes and the logit lens as PyTorch computes them', async () => {
    const expected = JSON.parse(readFileSync(REFERENCE, 'utf8')) as Reference;
    const { code, stdout, stderr } = await runCli([
      '--text',
      expected.text,
      '--norms',
      '--logit-lens',
      '5',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Exported;
    assert.deepEqual(
      doc.tokens.map((t) => t.id),
      expected.ids,
    );
    let worstWeighted = 0;
    let worstWrites = 0;
    for (const [layer, { values, writes }] of expected.layers.entries()) {
      for (const [head, headValues] of values.entries()) {
        worstWrites = Math.max(
          worstWrites,
          worst(doc.head_output_norms[layer][head], writes[head]),
        );
        for (const [row, weights] of doc.attentions[layer][head].entries()) {
          const want = weights.map((w, j) => w * headValues[j]);
          worstWeighted = Math.max(
            worstWeighted,
            worst(doc.attention_norms[layer][head][row], want),
          );
        }
      }
    }
    assert.ok(worstWeighted <= 1e-4, `attention_norms: ${worstWeighted}`);
    assert.ok(worstWrites <= 1e-4, `head_output_norms: ${worstWrites}`);
    assert.equal(doc.logit_lens.length, expected.layers.length);
    for (const [layer, positions] of doc.logit_lens.entries()) {
      for (const [position, top] of positions.entries()) {
        const want = expected.lens[layer][position];
        assert.deepEqual(
          top.map((p) => p.id),
          want.map((p) => p.id),
          `layer ${layer}, position ${position}`,
        );
        assert.ok(
          worst(
            top.map((p) => p.prob),
            want.map((p) => p.prob),
          ) <= 1e-4,
        );
      }
    }
  });

  it('refuses --logit-lens 0 and says what it takes', async () => {
    const { code, stderr } = await runCli(['--text', 'x = 1', '--logit-lens', '0']);
    assert.equal(code, 2);
    assert.match(stderr, /--logit-lens takes a whole number from 1 to 100, not "0"/);
  });
});
