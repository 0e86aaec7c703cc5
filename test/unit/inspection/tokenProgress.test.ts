/**
 * The progress notification of a continuation counts its tokens (issue 23): "token k/N…"
 * from the engine's step stages, kept through each step's own graph run, then the forward
 * pass over prompt + continuation and its layers as for any inspection.
 */
import assert from 'node:assert/strict';
import { tokenStage } from '../../../src/engine/stage';
import { StageProgress } from '../../../src/inspection/stageProgress';

describe('continuation progress', () => {
  it('says "token k/N…" per step, keeps it through the step’s run, then the full pass', () => {
    const progress = new StageProgress();
    const said = [
      { label: 'model.onnx: loading into ONNX Runtime', kind: 'load' as const },
      tokenStage(0, 3, 12),
      { label: 'model.onnx: running on 12 tokens', kind: 'run' as const, tokens: 12 },
      tokenStage(1, 3, 13),
      { label: 'model.onnx: running on 13 tokens', kind: 'run' as const, tokens: 13 },
      tokenStage(2, 3, 14),
      { label: 'model.onnx: running on 14 tokens', kind: 'run' as const, tokens: 14 },
      { label: 'model.onnx: running on 15 tokens', kind: 'run' as const, tokens: 15 },
      { label: 'layer 1/2: reading', kind: 'run' as const, layer: { index: 0, count: 2 } },
    ].map((stage) => progress.next(stage));
    assert.deepEqual(said, [
      'loading the model…',
      'token 1/3…',
      undefined,
      'token 2/3…',
      undefined,
      'token 3/3…',
      undefined,
      'forward pass on 15 tokens…',
      'layer 1/2: reading',
    ]);
  });
});
