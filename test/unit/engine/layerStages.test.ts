/**
 * The engine announces its work layer by layer after the forward pass (progress: "layer k/L"),
 * in order: the tokenizer, the forward run on N tokens, the recomputation checked layer by
 * layer, the attention read layer by layer (a full inspection), each layer's summary as it is
 * asked for; and the host's progress message follows them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type EngineStage, onStage } from '../../../src/engine/stage';
import { StageProgress } from '../../../src/inspection/stageProgress';
import { ROOT, sharedEngine } from './fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';

/** The layer indices of the stages whose label ends with `what`, in announcement order. */
function layersOf(stages: EngineStage[], what: string): number[] {
  return stages.filter((s) => s.layer && s.label.endsWith(what)).map((s) => s.layer!.index);
}

describe('stages announced layer by layer', () => {
  afterEach(() => onStage(undefined));

  it('tokenize, forward pass, then each layer in order, told as "layer k/L"', async () => {
    const engine = sharedEngine();
    await engine.inspect(BUNDLED, 'x = 1\n'); // loaded before: the load is not under test
    const stages: EngineStage[] = [];
    onStage((stage) => stages.push(stage));
    const result = await engine.inspect(BUNDLED, TEXT);
    const n = result.tokens.length;
    const L = result.model.layers;
    const textAt = stages.findIndex((s) => s.kind === 'text');
    const forwardAt = stages.findIndex((s) => s.kind === 'run' && !s.layer && s.tokens === n);
    assert.ok(textAt >= 0 && forwardAt > textAt, stages.map((s) => s.label).join('\n'));
    const firstLayer = stages.findIndex((s) => s.layer);
    assert.ok(firstLayer > forwardAt, 'layer work comes after the forward pass');
    const all = Array.from({ length: L }, (_, k) => k);
    assert.deepEqual(layersOf(stages, 'checking the recomputed attention against the graph'), all);
    assert.deepEqual(layersOf(stages, 'reading the attention'), all);
    const reading = stages.filter((s) => s.label.endsWith('reading the attention'));
    assert.deepEqual(
      reading.map((s) => s.label),
      all.map((k) => `layer ${k + 1}/${L}: reading the attention`),
    );
    assert.ok(reading.every((s) => s.kind === 'run' && s.tokens === n && s.layer?.count === L));
    const checkedLast = stages.map((s) => s.label.includes('checking')).lastIndexOf(true);
    const readFirst = stages.findIndex((s) => s.label.endsWith('reading the attention'));
    assert.ok(checkedLast < readFirst, 'the check comes before the reading');

    const held = await engine.inspectHeld(BUNDLED, TEXT);
    stages.length = 0;
    for (let layer = 0; layer < L; layer++) await engine.overview(held.resultId, 'encoder', layer);
    assert.deepEqual(layersOf(stages, 'summarising the encoder attention'), all);
  });

  it('the progress message names the forward pass, then the layer, kept through kernel runs', () => {
    const progress = new StageProgress();
    const said = [
      { label: 'model.onnx: loading into ONNX Runtime', kind: 'load' as const },
      { label: 'tokenizer.json: tokenizing 40 characters', kind: 'text' as const },
      { label: 'model.onnx: running on 12 tokens', kind: 'run' as const, tokens: 12 },
      { label: 'layer 1/2: summarising', kind: 'run' as const, layer: { index: 0, count: 2 } },
      { label: 'the attention kernel: running on 12 tokens', kind: 'run' as const, tokens: 12 },
      { label: 'layer 2/2: summarising', kind: 'run' as const, layer: { index: 1, count: 2 } },
    ].map((stage) => progress.next(stage));
    assert.deepEqual(said, [
      'loading the model…',
      'tokenizing…',
      'forward pass on 12 tokens…',
      'layer 1/2: summarising',
      undefined,
      'layer 2/2: summarising',
    ]);
  });
});
