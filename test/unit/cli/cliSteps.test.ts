/** `--steps` on the built CLI with the bundled model: the export's steps reproduce its attention. */
import assert from 'node:assert/strict';
import { parseStepsArg } from '../../../src/cli/stepsArg';
import { runCli } from './runCli';

interface ExportedSteps {
  kind?: string;
  layer: number;
  head: number;
  scale: number;
  q: number[][];
  k: number[][];
  scores: number[][];
  bias: number[][] | null;
  masked: boolean[][];
  output: number[][];
}

describe('CLI --steps (bundled model)', function () {
  this.timeout(60000);

  it('adds the steps of the heads asked for; softmax(scores × scale, masked removed) is the exported attention', async () => {
    const { code, stdout, stderr } = await runCli([
      '--text',
      'def f(x):\n    return f(x)',
      '--steps',
      '1:2,3:0',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as {
      tokens: unknown[];
      attentions: number[][][][];
      steps: ExportedSteps[];
    };
    assert.deepEqual(
      doc.steps.map((s) => [s.layer, s.head]),
      [
        [1, 2],
        [3, 0],
      ],
    );
    const n = doc.tokens.length;
    for (const s of doc.steps) {
      assert.equal(s.kind, undefined);
      assert.equal(s.q.length, n);
      assert.equal(s.bias, null);
      s.scores.forEach((row, i) => {
        const logits = row.map((x, j) => (s.masked[i][j] ? -Infinity : x * s.scale));
        const max = Math.max(...logits);
        const exps = logits.map((x) => Math.exp(x - max));
        const sum = exps.reduce((a, b) => a + b, 0);
        exps.forEach((e, j) => {
          assert.ok(Math.abs(e / sum - doc.attentions[s.layer][s.head][i][j]) < 1e-4);
        });
        // q·kᵀ: the exported scores are the dot products of the exported vectors
        row.forEach((x, j) => {
          const dot = s.q[i].reduce((a, qc, c) => a + qc * s.k[j][c], 0);
          assert.ok(Math.abs(dot - x) < 1e-4 * (1 + Math.abs(x)));
        });
        row.forEach((_, j) => {
          assert.equal(s.masked[i][j], j > i);
        });
      });
    }
  });

  it('refuses a malformed list (exit 2) and a head the model lacks (exit 1), in one line each', async () => {
    const bad = await runCli(['--text', 'a b', '--steps', '1-2']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^error: --steps takes layer:head pairs such as 0:1,2:3 .*not "1-2"\.\n$/,
    );
    const missing = await runCli(['--text', 'a b', '--steps', '0:9']);
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /^error: There is no layer 0, head 9: this model has layers 0–3 and heads 0–3\.\n$/,
    );
    const cross = await runCli(['--text', 'a b', '--steps', 'cross:0:1']);
    assert.match(
      cross.stderr,
      /^error: Steps of cross attention were asked for, but this model is a decoder: leave out the "cross:" prefix\.\n$/,
    );
  });
});

describe('--steps list', () => {
  it('reads L:H pairs and enc:/dec:/cross: prefixes', () => {
    assert.deepEqual(parseStepsArg('0:1, 2:3,enc:1:0,dec:0:2,cross:3:1'), [
      { layer: 0, head: 1 },
      { layer: 2, head: 3 },
      { kind: 'encoder', layer: 1, head: 0 },
      { kind: 'decoder', layer: 0, head: 2 },
      { kind: 'cross', layer: 3, head: 1 },
    ]);
  });

  for (const bad of ['', '1', '1:', 'x:1:2', '1:2:3', '-1:0', '0:1:', 'enc:1']) {
    it(`refuses "${bad}"`, () =>
      assert.throws(() => parseStepsArg(bad), /--steps takes layer:head pairs/));
  }
});
