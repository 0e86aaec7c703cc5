/**
 * Decoder continuations (issue 23, src/engine/inference/decoderGeneration.ts) against
 * PyTorch: greedy ids, stops and the full causal pass's attention over prompt + generated
 * (tools/fixtures/make_generation_references.py), from the key/value cache where the graph
 * has one; the bundled model (its cache graph: bundledContinuation.test.ts) against
 * onnxruntime-node's greedy loop of full passes over model.onnx.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { GENERATION, heldLayers, hfDir, worstDifference } from './continuationFixtures';

describe('decoder continuations against PyTorch', () => {
  for (const name of ['gpt2', 'gpt2-merged', 'llama', 'gqa-llama']) {
    const ref = GENERATION.models[name.replace('-merged', '')]!;
    it(`${name}: PyTorch's greedy ids from the cache; attention over prompt + generated within 1e-4`, async () => {
      const engine = sharedEngine();
      const result = await engine.inspectHeld(hfDir(name), GENERATION.prompt, {
        generate: { maxNewTokens: GENERATION.max_new_tokens },
      });
      const generation = result.generation!;
      const n = ref.prompt_ids.length;
      assert.deepEqual(
        result.tokens.slice(0, n).map((t) => t.id),
        ref.prompt_ids,
        'the prompt tokens',
      );
      assert.equal(generation.promptTokens, n);
      assert.deepEqual(
        generation.generated.map((t) => t.id),
        ref.generated_ids,
      );
      assert.equal(generation.stoppedAtEos, ref.stopped_at_eos);
      assert.equal(generation.kind, 'greedy');
      assert.equal(generation.steppedWith, 'cache');
      const total = n + ref.generated_ids.length;
      assert.equal(result.tokens.length, total);
      // Whether its norms can be asked for (issue 24) is the model's, tested elsewhere.
      const { valueNorms: _norms, ...stack } = result.stacks[0];
      assert.deepEqual(stack, {
        kind: 'encoder',
        layers: result.model.layers,
        heads: result.model.heads,
        rows: total,
        cols: total,
        causal: true,
      });
      assert.deepEqual(result.nextTokens, { k: 5 }, 'predictions are read per row when asked');
      const rows = Array.from({ length: total }, (_, row) => row);
      const predictions = await engine.predictions(result.resultId, rows, 5);
      const worst = worstDifference(await heldLayers(engine, result), ref.attentions);
      assert.ok(worst < 1e-4, `max |ours − PyTorch| = ${worst}`);
      // The chosen token is the top prediction of the position before it.
      for (let t = 0; t < ref.generated_ids.length; t++) {
        assert.equal(predictions[n + t - 1]![0]!.id, ref.generated_ids[t], `step ${t}`);
      }
      engine.release(result.resultId);
    });
  }

  it("the bundled model (cache from its generationGraph): onnxruntime-node's greedy ids and attention over model.onnx", async () => {
    const dir = join(ROOT, 'models', 'mini-code-gpt');
    const engine = sharedEngine();
    const text = 'def add(a, b):\n    return';
    const result = await engine.inspectHeld(dir, text, { generate: { maxNewTokens: 16 } });
    const generation = result.generation!;
    assert.equal(generation.steppedWith, 'cache');
    const session = await ortNode.InferenceSession.create(join(dir, 'model.onnx'));
    const ids = result.tokens.slice(0, generation.promptTokens).map((t) => t.id);
    let outputs: ortNode.InferenceSession.OnnxValueMapType = {};
    for (let step = 0; step <= generation.generated.length; step++) {
      const input = new ortNode.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [
        1,
        ids.length,
      ]);
      outputs = await session.run({ input_ids: input });
      if (step === generation.generated.length) break;
      const logits = outputs.logits!.data as Float32Array;
      const last = logits.subarray(logits.length - 8192);
      let best = 0;
      for (let id = 1; id < last.length; id++) if (last[id]! > last[best]!) best = id;
      ids.push(best);
      if (best === 0) break;
    }
    assert.deepEqual(
      result.tokens.map((t) => t.id),
      ids,
    );
    assert.ok(generation.stoppedAtEos || generation.generated.length === 16);
    const ours = await heldLayers(engine, result);
    let worst = 0;
    ours.forEach((layer, l) => {
      const theirs = outputs[`attn_${l}`]!.data as Float32Array;
      layer.forEach((w, i) => {
        worst = Math.max(worst, Math.abs(w - theirs[i]!));
      });
    });
    assert.ok(worst < 1e-4, `max |ours − onnxruntime-node| = ${worst}`);
    assert.equal(
      result.text,
      text + generation.continuation,
      'the text is the prompt and the continuation',
    );
    for (const token of result.tokens.slice(generation.promptTokens)) {
      assert.ok(token.start >= text.length && token.end <= result.text.length);
    }
    engine.release(result.resultId);
  });
});
