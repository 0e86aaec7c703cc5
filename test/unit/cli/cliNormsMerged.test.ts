/**
 * `--norms` and `--logit-lens K` on a merged decoder (issue 24): hf/gpt2-merged holds gpt2's
 * weights in `decoder_model_merged.onnx` (attention inside an If, kept whole by the
 * inspection); its export's attention norms, head writes and logit lens equal those of
 * hf/gpt2's plain graph, whose numbers equal PyTorch's (cliNorms.test.ts, headNorms.test.ts,
 * logitLens.test.ts and the merged fixtures there).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { runCli } from './runCli';

interface Exported {
  tokens: { id: number }[];
  attention_norms: number[][][][];
  head_output_norms: number[][][];
  logit_lens: { id: number; prob: number }[][][];
}

async function exported(folder: string): Promise<Exported> {
  const args = ['--model', join(HF_FIXTURES, folder), '--text', 'the cat sat on the mat'];
  const { code, stdout, stderr } = await runCli([...args, '--norms', '--logit-lens', '3']);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout) as Exported;
}

/** Largest |a − b| over numbers nested alike. */
function worst(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b);
  assert.ok(Array.isArray(a) && Array.isArray(b) && a.length === b.length);
  return Math.max(0, ...a.map((x, i) => worst(x, b[i])));
}

describe('CLI --norms --logit-lens on a merged decoder', function () {
  this.timeout(120000);

  it('exports what the plain graph of the same weights exports', async () => {
    const merged = await exported('gpt2-merged');
    const plain = await exported('gpt2');
    assert.deepEqual(merged.tokens, plain.tokens);
    assert.ok(worst(merged.attention_norms, plain.attention_norms) <= 1e-5, 'attention_norms');
    assert.ok(worst(merged.head_output_norms, plain.head_output_norms) <= 1e-5, 'head writes');
    const ids = (lens: Exported['logit_lens']) => lens.map((l) => l.map((p) => p.map((x) => x.id)));
    assert.deepEqual(ids(merged.logit_lens), ids(plain.logit_lens));
    const probs = (lens: Exported['logit_lens']) =>
      lens.map((l) => l.map((p) => p.map((x) => x.prob)));
    assert.ok(worst(probs(merged.logit_lens), probs(plain.logit_lens)) <= 1e-6, 'lens');
  });
});
