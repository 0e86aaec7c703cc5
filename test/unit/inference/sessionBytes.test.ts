/**
 * A session does not keep the bytes it was made from (issue 22, memory after the panel
 * closes): onnxruntime-web copies the model into its WASM heap, so the JavaScript copy must be
 * collectable once the caller drops it. A run wrapper made inside `createSession` shared V8's
 * closure context with the bytes and kept them (the whole model file: 622 MiB for a
 * 135M-parameter model) as long as the session lived.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createSession, int64Input } from '../../../src/engine/inference/ortRuntime';
import { ROOT, sharedEngine } from '../engine/fixtures';

setFlagsFromString('--expose-gc');
/** V8's collector, exposed at run time (mocha runs without --expose-gc). */
const collect = runInNewContext('gc') as () => void;

describe('createSession and the model bytes', () => {
  it('lets the bytes go while the session lives, and the session still runs', async () => {
    sharedEngine(); // onnxruntime-web configured the way the tests use it
    const file = join(ROOT, 'test', 'fixtures', 'models', 'decoder-attn', 'model.onnx');
    let bytes: Uint8Array | undefined = new Uint8Array(readFileSync(file));
    const collected = new WeakRef(bytes.buffer);
    const session = await createSession(bytes, [], 'model.onnx');
    bytes = undefined;
    // deref() keeps its target alive until the current job ends: collect in a later one.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
    let gone = false;
    for (let tries = 0; tries < 10 && !gone; tries++) {
      await tick();
      collect();
      await tick();
      gone = collected.deref() === undefined;
    }
    assert.ok(gone, 'the model bytes are still reachable');
    const outputs = await session.run({ input_ids: int64Input([1, 2, 3]) });
    assert.ok(Object.keys(outputs).length > 0);
    await session.release();
  });
});
