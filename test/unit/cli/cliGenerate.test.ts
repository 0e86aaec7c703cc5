/**
 * `--generate` (issue 23) through the built CLI: the export carries `generation` and
 * `generated_tokens` as docs/attention-json.md says, its attention covers prompt +
 * generated and equals PyTorch's full causal pass; bad numbers are one-line usage errors.
 */
import assert from 'node:assert/strict';
import { GENERATION, hfDir, worstDifference } from '../inference/continuationFixtures';
import { runCli } from './runCli';

interface GeneratedExport {
  text: string;
  tokens: { id: number; start: number; end: number }[];
  generation: Record<string, unknown>;
  generated_tokens: { id: number; text: string; special: boolean }[];
  attentions: number[][][][];
  predictions: unknown[];
}

async function exportOf(args: string[]): Promise<GeneratedExport> {
  const run = await runCli(['--text', GENERATION.prompt, ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as GeneratedExport;
}

describe('CLI --generate (dist/cli.js)', function () {
  this.timeout(120_000);

  it("llama: PyTorch's greedy continuation; attentions [L][H][N+G][N+G] within 1e-4", async () => {
    const ref = GENERATION.models.llama!;
    const doc = await exportOf(['--model', hfDir('llama'), '--generate', '12']);
    assert.deepEqual(doc.generation, {
      kind: 'greedy',
      maxNewTokens: 12,
      stoppedAtEos: ref.stopped_at_eos,
    });
    assert.deepEqual(
      doc.generated_tokens.map((t) => t.id),
      ref.generated_ids,
    );
    const total = ref.prompt_ids.length + ref.generated_ids.length;
    assert.deepEqual(
      doc.tokens.map((t) => t.id),
      [...ref.prompt_ids, ...ref.generated_ids],
    );
    assert.equal(doc.predictions.length, total);
    assert.equal(doc.attentions[0]![0]!.length, total);
    const worst = worstDifference(
      doc.attentions.map((layer) => Float32Array.from(layer.flat(2))),
      ref.attentions,
    );
    assert.ok(worst < 1e-4, `max |export − PyTorch| = ${worst}`);
    for (const token of doc.tokens) assert.ok(token.end <= doc.text.length);
  });

  it('gpt2: sampling writes temperature, topP and seed; the seed repeats the run', async () => {
    const args = ['--model', hfDir('gpt2'), '--generate', '10', '--temperature', '0.9'];
    const seeded = [...args, '--top-p', '0.8', '--seed', '77', '--layers', '0', '--heads', '0'];
    const first = await exportOf(seeded);
    assert.deepEqual(first.generation, {
      kind: 'sample',
      maxNewTokens: 10,
      stoppedAtEos: false,
      temperature: 0.9,
      topP: 0.8,
      seed: 77,
    });
    const again = await exportOf(seeded);
    assert.deepEqual(again.generated_tokens, first.generated_tokens);
  });

  for (const [args, said] of [
    [['--generate', '0'], /--generate takes a whole number from 1 to/],
    [['--generate', '-3'], /--generate/],
    [['--generate', 'NaN'], /--generate takes a whole number/],
    [['--generate', '5', '--temperature', '-1'], /--temperature/],
    [['--generate', '5', '--temperature', '1', '--top-p', '1.5'], /--top-p takes a number above 0/],
    [['--generate', '5', '--temperature', '1', '--seed', '4294967296'], /--seed takes a whole/],
    [['--temperature', '0.5'], /--temperature shapes a continuation: give --generate N/],
    [['--generate', '5', '--seed', '3'], /give --temperature above 0/],
  ] as const) {
    it(`refuses ${args.join(' ')} in one line`, async () => {
      const run = await runCli(['--text', 'x', ...args]);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
      assert.match(run.stderr, said);
    });
  }
});
