/** Models no longer used give their sessions back (real onnxruntime-web, real models). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { Engine } from '../../../src/engine/engine';
import { EngineRunError } from '../../../src/engine/errors';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import type { LoadedModel } from '../../../src/engine/inference/loadedModel';
import type { InferenceSession } from '../../../src/engine/inference/ortRuntime';
import { Seq2SeqModel } from '../../../src/engine/inference/seq2seqModel';
import { fixtureModel, ROOT, sharedEngine } from './fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const DECODER = fixtureModel('decoder-attn');
const ENCODER = fixtureModel('encoder-bert');
const SEQ2SEQ = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');

/** The ORT session itself: a released one refuses to run, whatever our own guard says. */
function sessionOf(model: LoadedModel): InferenceSession {
  return (model as unknown as { session: InferenceSession }).session;
}

/** True when onnxruntime-web no longer knows the session ("invalid session id"). */
async function released(session: InferenceSession, hidden = 0): Promise<boolean> {
  // Every input fed (ids, mask): only a live session gets past the feeds to run them.
  const feeds = Object.fromEntries(
    session.inputNames.map((name) => [
      name,
      // The predictions' and the lens's k (topPredictionsInGraph.ts, logitLensGraph.ts) are
      // one number, the lens's rows `[1, rows, hidden]` floats (the predictions read per row
      // are a lens too, `attention_next`); the rest are [1, n].
      /^(attention_inspector\.top_k|attention_(lens|next)\.k)$/.test(name)
        ? new ort.Tensor('int64', BigInt64Array.of(1n), [1])
        : /^attention_(lens|next)\.input$/.test(name)
          ? new ort.Tensor('float32', new Float32Array(hidden), [1, 1, hidden])
          : new ort.Tensor('int64', BigInt64Array.of(1n, 1n), [1, 2]),
    ]),
  );
  try {
    await session.run(feeds);
    return false;
  } catch (error) {
    // A released session has no handle ("invalid session id") and, for some graphs, no
    // input or output names left to use.
    if (/invalid session id|(input|output) name cannot be empty/.test(String(error))) return true;
    throw error;
  }
}

const sessionReleased = (model: LoadedModel): Promise<boolean> =>
  released(sessionOf(model), model.info.hiddenSize);

describe('Engine: loaded models are released when others take their place', function () {
  this.timeout(120_000);

  before(() => sharedEngine()); // configures onnxruntime-web once

  it('evict(keep) releases the other models, which load again when asked for', async () => {
    const engine = new Engine(nodeModelFiles);
    const first = await engine.loadModel(BUNDLED);
    const second = await engine.loadModel(DECODER);
    assert.equal(await sessionReleased(first), false);
    await engine.evict({ modelDir: DECODER });
    assert.deepEqual(engine.loadedModels(), [{ modelDir: DECODER }]);
    assert.equal(first.released, true);
    assert.equal(await sessionReleased(first), true, 'the ORT session was released');
    assert.equal(second.released, false);
    await assert.rejects(first.runIds([1, 2]), (error: unknown) => {
      assert.ok(error instanceof EngineRunError);
      assert.match(error.message, /was unloaded/);
      return true;
    });
    const again = await engine.inspect(BUNDLED, 'def f(x): return x');
    assert.ok(again.tokens.length > 3);
    const reloaded = await engine.loadModel(BUNDLED);
    assert.notEqual(reloaded, first);
    assert.equal(reloaded.released, false);
  });

  it('keeps at most maxLoadedModels, releasing the least recently used', async () => {
    const engine = new Engine(nodeModelFiles, 'cli', 2);
    const bundled = await engine.loadModel(BUNDLED);
    const decoder = await engine.loadModel(DECODER);
    await engine.loadModel(BUNDLED); // used again: the decoder is now the least recent
    const encoder = await engine.loadModel(ENCODER);
    // Release runs after the new load was set in motion; its turn ends before the next request.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(
      engine.loadedModels().map((m) => m.modelDir),
      [BUNDLED, ENCODER],
    );
    assert.equal(decoder.released, true);
    assert.equal(await sessionReleased(decoder), true);
    assert.equal(bundled.released, false);
    assert.equal(encoder.released, false);
    await engine.evict();
    assert.deepEqual(engine.loadedModels(), []);
  });

  it('releases the steps sessions and an encoder-decoder’s sessions too, and serves them again', async () => {
    const engine = new Engine(nodeModelFiles);
    const ids = (await engine.inspect(BUNDLED, 'x = y + x')).tokens.map((t) => t.id);
    const [before] = await engine.runSteps(BUNDLED, ids, [{ layer: 1, head: 0 }]);
    const translation = await engine.inspect(SEQ2SEQ, 'a b c', {
      target: { kind: 'greedy', maxNewTokens: 2 },
    });
    assert.ok(translation.seq2seq);
    const seq2seq = await engine.loadAnyModel(SEQ2SEQ);
    assert.ok(seq2seq instanceof Seq2SeqModel);
    await engine.evict({ modelDir: BUNDLED });
    assert.deepEqual(engine.loadedModels(), [{ modelDir: BUNDLED }]);
    const encoderSession = (seq2seq as unknown as { encoderSession: InferenceSession })
      .encoderSession;
    assert.equal(await released(encoderSession), true);
    const [after] = await engine.runSteps(BUNDLED, ids, [{ layer: 1, head: 0 }]);
    assert.deepEqual([...after.scores], [...before.scores]);
    await engine.evict();
    const [reloaded] = await engine.runSteps(BUNDLED, ids, [{ layer: 1, head: 0 }]);
    assert.deepEqual([...reloaded.scores], [...before.scores]);
    const again = await engine.inspect(SEQ2SEQ, 'a b c', {
      target: { kind: 'greedy', maxNewTokens: 2 },
    });
    assert.deepEqual(again.seq2seq?.decoderTokens, translation.seq2seq.decoderTokens);
  });
});
