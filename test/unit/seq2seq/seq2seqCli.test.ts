/**
 * The CLI on the encoder-decoder fixtures: greedy by default (`--max-new-tokens`), a typed
 * target with `--target-text`, and the export's Hugging Face names (`tokens`,
 * `decoder_tokens`, `encoder_attentions`, `decoder_attentions`, `cross_attentions`) holding
 * PyTorch's numbers.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { SEQ2SEQ_FIXTURES, seq2seqDir, seq2seqReference } from './seq2seqFixtures';
import { CLI, runCli } from '../cli/runCli';

type Doc = Record<string, unknown> & {
  tokens: { id: number; start: number; end: number; special: boolean }[];
};

function maxDiff(ours: number[][][][], theirs: number[][][][]): number {
  const a = ours.flat(3);
  const b = theirs.flat(3);
  assert.equal(a.length, b.length);
  return a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
}

describe('CLI on encoder-decoder folders (dist/cli.js)', function () {
  this.timeout(120000);
  before(() => assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)'));

  for (const name of SEQ2SEQ_FIXTURES) {
    it(`${name}: --target-text writes the three kinds of attention under Hugging Face's names`, async () => {
      const ref = seq2seqReference(name);
      const { code, stdout, stderr } = await runCli([
        '--model',
        seq2seqDir(name),
        '--text',
        ref.source_text,
        '--target-text',
        ref.given.target_text,
      ]);
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout) as Doc;
      assert.equal((doc.model as { architecture: string }).architecture, 'encoder-decoder');
      assert.equal(doc.attentions, undefined);
      assert.deepEqual(
        doc.tokens.map((t) => t.id),
        ref.source_ids,
      );
      for (const t of doc.tokens)
        if (!t.special) assert.ok(ref.source_text.slice(t.start, t.end).trim().length > 0);
      assert.deepEqual(
        (doc.decoder_tokens as { id: number }[]).map((t) => t.id),
        ref.given.decoder_ids,
      );
      assert.deepEqual(doc.target, { kind: 'given', text: ref.given.target_text });
      assert.ok(maxDiff(doc.encoder_attentions as number[][][][], ref.encoder_attentions) <= 1e-4);
      assert.ok(
        maxDiff(doc.decoder_attentions as number[][][][], ref.given.decoder_attentions) <= 1e-4,
      );
      assert.ok(
        maxDiff(doc.cross_attentions as number[][][][], ref.given.cross_attentions) <= 1e-4,
      );
    });
  }

  it('greedy by default, --max-new-tokens bounds it, --layers/--heads select in all three', async () => {
    const ref = seq2seqReference('t5-small-tiny');
    const { code, stdout, stderr } = await runCli([
      '--model',
      seq2seqDir('t5-small-tiny'),
      '--text',
      ref.source_text,
      '--max-new-tokens',
      '4',
      '--layers',
      '1',
      '--heads',
      '2,0',
    ]);
    assert.equal(code, 0, stderr);
    const doc = JSON.parse(stdout) as Doc;
    assert.deepEqual(doc.target, { kind: 'greedy', maxNewTokens: 4, stoppedAtEos: false });
    assert.deepEqual(
      (doc.decoder_tokens as { id: number }[]).map((t) => t.id),
      ref.greedy.decoder_ids.slice(0, 5),
    );
    const cross = doc.cross_attentions as number[][][][];
    assert.deepEqual(
      [cross.length, cross[0]!.length, cross[0]![0]!.length, cross[0]![0]![0]!.length],
      [1, 2, 5, ref.source_ids.length],
    );
    assert.ok(
      Math.abs(cross[0]![0]![4]![3]! - ref.greedy.cross_attentions[1]![2]![4]![3]!) <= 1e-4,
    );
    assert.equal((doc.decoder_attentions as number[][][][])[0]![1]![0]!.length, 5);
  });

  it('refuses --target-text with --max-new-tokens, and an empty target, in one line', async () => {
    const both = await runCli([
      '--model',
      seq2seqDir('opus-mt-tiny'),
      '--text',
      'x',
      '--target-text',
      'y',
      '--max-new-tokens',
      '3',
    ]);
    assert.equal(both.code, 2);
    assert.match(
      both.stderr,
      /^error: --max-new-tokens limits greedy decoding; with --target-text nothing is generated/,
    );
    const empty = await runCli([
      '--model',
      seq2seqDir('opus-mt-tiny'),
      '--text',
      'x',
      '--target-text',
      ' ',
    ]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--target-text is empty/);
  });
});
