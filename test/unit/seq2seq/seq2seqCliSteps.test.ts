/**
 * `--steps enc:L:H,dec:L:H,cross:L:H` on the built CLI with the encoder-decoder fixtures: each
 * exported head names its kind, has the right N × M (cross: decoder tokens × source tokens),
 * and softmax(scores × scale + bias, masked removed) is the exported attention of that kind.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { SEQ2SEQ_FIXTURES, seq2seqDir, seq2seqReference } from './seq2seqFixtures';
import { CLI, runCli } from '../cli/runCli';

interface ExportedSteps {
  kind: 'encoder' | 'decoder' | 'cross';
  layer: number;
  head: number;
  scale: number;
  scaleAt: string[];
  q: number[][];
  k: number[][];
  scores: number[][];
  bias: number[][] | null;
  masked: boolean[][];
}

type Layers = number[][][][];

interface Doc {
  tokens: unknown[];
  decoder_tokens: unknown[];
  encoder_attentions: Layers;
  decoder_attentions: Layers;
  cross_attentions: Layers;
  steps: ExportedSteps[];
}

const EXPORT_NAME = {
  encoder: 'encoder_attentions',
  decoder: 'decoder_attentions',
  cross: 'cross_attentions',
} as const;

describe('CLI --steps on encoder-decoder folders (dist/cli.js)', function () {
  this.timeout(120000);
  before(() => assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)'));

  for (const name of SEQ2SEQ_FIXTURES) {
    it(`${name}: enc:0:1,dec:1:0,cross:1:2 reproduce the exported attention of each kind`, async () => {
      const ref = seq2seqReference(name);
      const { code, stdout, stderr } = await runCli([
        '--model',
        seq2seqDir(name),
        '--text',
        ref.source_text,
        '--target-text',
        ref.given.target_text,
        '--steps',
        'enc:0:1,dec:1:0,cross:1:2',
      ]);
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout) as Doc;
      assert.deepEqual(
        doc.steps.map((s) => [s.kind, s.layer, s.head]),
        [
          ['encoder', 0, 1],
          ['decoder', 1, 0],
          ['cross', 1, 2],
        ],
      );
      const [s, t] = [doc.tokens.length, doc.decoder_tokens.length];
      const sizes = { encoder: [s, s], decoder: [t, t], cross: [t, s] };
      let worst = 0;
      for (const step of doc.steps) {
        assert.deepEqual([step.q.length, step.k.length], sizes[step.kind], `${step.kind} N × M`);
        const attention = doc[EXPORT_NAME[step.kind]][step.layer]![step.head]!;
        step.scores.forEach((row, i) => {
          const logits = row.map((x, j) =>
            step.masked[i]![j] ? -Infinity : x * step.scale + (step.bias ? step.bias[i]![j]! : 0),
          );
          const max = Math.max(...logits);
          const exps = logits.map((x) => Math.exp(x - max));
          const sum = exps.reduce((a, b) => a + b, 0);
          exps.forEach((e, j) => {
            worst = Math.max(worst, Math.abs(e / sum - attention[i]![j]!));
          });
        });
      }
      assert.ok(worst < 1e-4, `softmax of the exported steps differs by ${worst}`);
      if (name === 't5-small-tiny') {
        // No 1/√d; the relative position bias is in self-attention, not in cross-attention.
        assert.deepEqual(
          doc.steps.map((step) => [step.scale, step.bias === null]),
          [
            [1, false],
            [1, false],
            [1, true],
          ],
        );
      } else {
        assert.ok(doc.steps.every((step) => Math.abs(step.scale - 1 / Math.sqrt(8)) < 1e-6));
        assert.ok(doc.steps.every((step) => step.scaleAt.join() === 'query'));
      }
    });
  }

  it('refuses a head without enc:/dec:/cross: in one line (exit 1)', async () => {
    const ref = seq2seqReference('opus-mt-tiny');
    const { code, stderr } = await runCli([
      '--model',
      seq2seqDir('opus-mt-tiny'),
      '--text',
      ref.source_text,
      '--steps',
      '1:2',
    ]);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^error: This is an encoder-decoder model: say which attention layer 1, head 2 is in, as encoder, decoder or cross \(--steps enc:1:2, dec:1:2 or cross:1:2\)\.\n$/m,
    );
  });
});
