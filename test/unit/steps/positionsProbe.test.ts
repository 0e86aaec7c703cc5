/**
 * Positions on the real models: the table is read from the graph (inline and external
 * data), rotary models say so, and zeroing the position table moves attention exactly
 * where positions matter (a causal model's first query never moves: it only sees itself).
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSinusoid } from '../../../src/engine/steps/positionsProbe';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const ids = (name: string): number[] =>
  (
    JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.reference.json`), 'utf8')) as {
      ids: number[];
    }
  ).ids;

describe('positions probe', function () {
  this.timeout(120_000);

  it('bundled model: a learned 512-row table, and per head how far attention moves without it', async () => {
    const tokens = [8191, 100, 200, 300, 100, 200, 42, 7];
    const report = await sharedEngine().runPositions(BUNDLED, tokens);
    assert.equal(report.kind, 'learned');
    assert.deepEqual(
      [report.table?.name, report.table?.rows, report.table?.totalRows, report.table?.width],
      ['m.pos.weight', 128, 512, 128],
    );
    const { position, token } = report.effects!;
    assert.equal(position.length, 4);
    for (const layer of [...position, ...token]) {
      assert.equal(layer.length, 4);
      for (const shift of layer) assert.ok(shift >= 0 && shift <= 1);
    }
    // some head must depend on positions (the model has a previous-token head)
    assert.ok(Math.max(...position.flatMap((l) => [...l])) > 0.2);
  });

  it('reads the table from external data (distilbert) and inline (gpt2, bert, roberta)', async () => {
    for (const name of ['distilbert', 'gpt2', 'bert', 'roberta']) {
      const report = await sharedEngine().runPositions(join(HF_FIXTURES, name), ids(name));
      assert.equal(report.kind, 'learned', name);
      const table = report.table!;
      assert.equal(table.width, 32);
      const { positionRows } = JSON.parse(
        readFileSync(join(HF_FIXTURES, `${name}.steps.json`), 'utf8'),
      ) as { positionRows: number[][] };
      positionRows.flat().forEach((x, i) => {
        assert.ok(Math.abs(table.data[i] - x) < 1e-6, `${name}: table[${i}] differs from PyTorch`);
      });
      assert.ok(report.effects, name);
    }
  });

  it('llama: rotary, no table', async () => {
    const report = await sharedEngine().runPositions(join(HF_FIXTURES, 'llama'), ids('llama'));
    assert.equal(report.kind, 'rotary');
    assert.equal(report.table, undefined);
    assert.match(report.note, /rotary/);
  });

  it('recognises a sinusoid table, interleaved or in halves', () => {
    const rows = 10;
    const width = 8;
    const make = (halves: boolean) => {
      const data = new Float32Array(rows * width);
      for (let p = 0; p < rows; p++)
        for (let i = 0; i < width / 2; i++) {
          const a = p / 10000 ** ((2 * i) / width);
          data[p * width + (halves ? i : 2 * i)] = Math.sin(a);
          data[p * width + (halves ? width / 2 + i : 2 * i + 1)] = Math.cos(a);
        }
      return data;
    };
    assert.ok(isSinusoid(make(false), rows, width));
    assert.ok(isSinusoid(make(true), rows, width));
    const learned = make(false).map((x, i) => x + (i % 7) * 0.01);
    assert.ok(!isSinusoid(learned, rows, width));
  });
});
