import { strict as assert } from 'node:assert';
import type { InspectResult } from '../../../src/engine/types';
import { drawnLine, inspectionLine, modelLoadLines } from '../../../src/inspection/runLog';
import { fixtureModel, sharedEngine } from '../engine/fixtures';

/** The log answers "what did it load and where did the time go" from a real run's result. */
describe('the log lines of an inspection (src/inspection/runLog.ts)', () => {
  let result: InspectResult;
  before(async () => {
    result = await sharedEngine().inspect(fixtureModel('decoder-attn'), 'def f(x):\n    return x');
  });

  it('names the model folder, graph and shape when it loads', () => {
    const [first] = modelLoadLines(result);
    assert.ok(first!.includes(result.model.dir), first);
    assert.ok(first!.includes(result.model.graphFile ?? 'model.onnx'), first);
    assert.match(first!, new RegExp(`${result.model.layers} layers × ${result.model.heads} heads`));
  });

  it('gives the tokens and every stage of the engine, or says the result was cached', () => {
    const line = inspectionLine('a.py:1–2', result, false);
    assert.match(line, new RegExp(`^inspected a\\.py:1–2: ${result.tokens.length} tokens`));
    for (const stage of ['tokenize', 'forward', 'engine']) assert.ok(line.includes(stage), line);
    assert.match(inspectionLine('a.py:1–2', result, true), /from the cache of recent results/);
  });

  it('splits the panel side into transfer and draw', () => {
    const line = drawnLine('a.py:1–2', {
      runId: 3,
      tokens: 7,
      trace: { commandAt: 1000, postedAt: 1100 },
      timings: result.timings,
      metaAt: 1120,
      lastLayerAt: 1150,
      renderedAt: 1160,
      drawnAt: 1175,
    });
    assert.equal(
      line,
      'drawn a.py:1–2 (run 3, 7 tokens): transfer 50 ms, draw 25 ms; keypress → view 175 ms',
    );
  });
});
