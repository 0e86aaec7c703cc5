/**
 * A 2,048-token text (issue 22) on a rotary decoder fixture whose config allows it: the
 * engine keeps q and k, not N × N, answers every layer's overview, a head and a row, and
 * each slice is a distribution the model's own last rows agree with (checked per run).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../../src/engine/engine';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const TOKENS = 2048;

describe('a 2,048-token text', function () {
  this.timeout(300_000);
  let dir = '';

  before(() => {
    sharedEngine(); // configures onnxruntime-web once
    dir = mkdtempSync(join(tmpdir(), 'ai-long-'));
    cpSync(join(HF_FIXTURES, 'smollm2'), dir, { recursive: true });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    // Rotary positions have no table: the graph takes any length the config allows.
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ ...config, max_position_embeddings: 4096 }),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('holds q and k (no N × N), and answers overviews, a head and a row', async () => {
    const engine = new Engine(nodeModelFiles);
    const text = 'def add(a, b):\n    return a + b\n'.repeat(400);
    const held = await engine.inspectHeld(dir, text, { maxTokens: TOKENS });
    const [stack] = held.stacks;
    assert.equal(stack.rows, TOKENS);
    const model = await engine.loadModel(dir);
    assert.ok(model.folder.recomputeOutputs, 'recomputed, not kept whole');
    const fullBytes = stack.layers * stack.heads * TOKENS * TOKENS * 4;
    const heldBytes = engine.heldBytes;
    assert.ok(
      heldBytes * 50 < fullBytes,
      `held ${heldBytes} bytes vs ${fullBytes} for every N × N`,
    );
    for (let layer = 0; layer < stack.layers; layer++) {
      const overview = await engine.overview(held.resultId, 'encoder', layer);
      assert.equal(overview.side, 128);
      assert.equal(overview.blockRows, 16);
      assert.equal(overview.summaries.length, stack.heads);
    }
    const head = await engine.slice(held.resultId, { kind: 'encoder', layer: 1, heads: [5] });
    assert.equal(head.length, TOKENS * TOKENS);
    const row = await engine.slice(held.resultId, {
      kind: 'encoder',
      layer: 1,
      heads: [5],
      rows: [TOKENS - 1],
    });
    const last = head.subarray((TOKENS - 1) * TOKENS);
    let sum = 0;
    let worst = 0;
    for (let j = 0; j < TOKENS; j++) {
      sum += row[j];
      worst = Math.max(worst, Math.abs(row[j] - last[j]));
    }
    assert.ok(Math.abs(sum - 1) < 1e-5, `row sums to ${sum}`);
    assert.ok(worst < 1e-6, `the row and the head's last row differ by ${worst}`);
    assert.equal(head[10], 0, 'causal: query 0 sees only itself');
    engine.release(held.resultId);
    assert.equal(engine.heldBytes, 0, 'released, nothing is kept');
  });

  it('steps and positions, which keep every layer N × N, refuse what would not fit, naming what does', async () => {
    const engine = new Engine(nodeModelFiles);
    const ids = Array.from({ length: 3500 }, (_, i) => 10 + (i % 500));
    const refused = (pattern: RegExp) => (error: unknown) =>
      error instanceof Error && pattern.test(error.message);
    await assert.rejects(
      engine.runSteps(dir, ids, [{ layer: 0, head: 0 }]),
      refused(/^Steps are computed on at most 3344 tokens for this model; this text has 3500\./),
    );
    await assert.rejects(
      engine.runPositions(dir, ids),
      refused(
        /^Positions are measured on at most 2364 tokens for this model; this text has 3500\./,
      ),
    );
  });
});
