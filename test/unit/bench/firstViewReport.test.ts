/**
 * The first-view benchmark's table (test/e2e/bench/firstViewReport.ts): a stage that took no
 * time prints 0 even when its timestamps put it a hair below zero, as the *layers* stage of a
 * result whose overviews travel with its metadata does.
 */
import assert from 'node:assert/strict';
import { markdownSection, type Sample, sampleLine, wholeMs } from '../../e2e/bench/firstViewReport';

/** A warm run of the bundled model whose last layer arrived 0.3 ms before its metadata. */
function sample(keyAt: number): Sample {
  return {
    kind: 'warm',
    size: 200,
    keyAt,
    record: {
      runId: 1,
      tokens: 207,
      trace: {
        commandAt: keyAt + 12,
        requestedAt: keyAt + 60,
        receivedAt: keyAt + 200,
        postedAt: keyAt + 203,
      },
      timings: {
        tokenizeMs: 3,
        inferenceMs: 70,
        totalMs: 80,
        startedAt: keyAt + 64,
        finishedAt: keyAt + 197,
      },
      metaAt: keyAt + 300,
      lastLayerAt: keyAt + 299.7,
      renderedAt: keyAt + 320,
      drawnAt: keyAt + 323,
    },
  };
}

describe('the first-view benchmark report', () => {
  it('prints whole milliseconds, 0 rather than -0', () => {
    assert.equal(wholeMs(-0.3), '0');
    assert.equal(wholeMs(-0), '0');
    assert.equal(wholeMs(0.4), '0');
    assert.equal(wholeMs(-0.6), '-1');
    assert.equal(wholeMs(12.5), '13');
  });

  it('the layers stage of a result whose overviews came with its metadata is 0', () => {
    const samples = [sample(1000), sample(5000), sample(9000)];
    assert.match(sampleLine(samples[0]), /layers 0, draw 23\b/);
    const table = markdownSection(samples, new Date(0), 1.5);
    const header = table.split('\n').find((line) => line.startsWith('| build |')) ?? '';
    const row = table.split('\n').find((line) => line.startsWith('| this build | warm |')) ?? '';
    const cells = (line: string) => line.split('|').map((cell) => cell.trim());
    const layers = cells(header).indexOf('layers');
    assert.ok(layers > 0, header);
    assert.equal(cells(row)[layers], '0', row);
    assert.doesNotMatch(table, /\| -0 \|/);
  });
});
