import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HF_FIXTURES, hfModel } from './hfFixtures';

/** tools/fixtures/make_long_context_fixture.py: PyTorch's rows at far positions, every key. */
interface RowsReference {
  ids: number[];
  rows: number[];
  attentions: number[][][][];
}

describe('the long-context fixture (hf/llama-long) against PyTorch', () => {
  it('attention rows of a 1,500-token text, up to position 1,499, equal PyTorch within 1e-4', async () => {
    const ref = JSON.parse(
      readFileSync(join(HF_FIXTURES, 'llama-long.reference.json'), 'utf8'),
    ) as RowsReference;
    const n = ref.ids.length;
    assert.equal(n, 1500);
    const { attentions } = await (await hfModel('llama-long')).runIds(ref.ids);
    assert.equal(attentions.length, ref.attentions.length);
    let worst = 0;
    ref.attentions.forEach((layer, l) => {
      layer.forEach((head, h) => {
        head.forEach((row, r) => {
          const start = (h * n + ref.rows[r]) * n;
          row.forEach((w, k) => {
            worst = Math.max(worst, Math.abs(attentions[l][start + k] - w));
          });
        });
      });
    });
    assert.ok(worst < 1e-4, `max |engine − PyTorch| = ${worst}`);
  });
});
