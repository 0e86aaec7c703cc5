import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineClient, EngineRunError } from '../../../src/worker/engineClient';
import type { NodeWorkerHandle } from '../../../src/worker/nodeWorkerHandle';
import { ROOT, fixtureModel } from '../engine/fixtures';
import { assertWorkerBuilt, startBuiltWorker } from './builtWorker';

const LONG = 'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }\n'.repeat(8);

function code(expected: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof EngineRunError, String(error));
    assert.equal(error.code, expected, error.message);
    return true;
  };
}

describe('EngineClient with the bundled worker (dist/engine.worker.js)', function () {
  this.timeout(60000);
  let handles: NodeWorkerHandle[];
  let client: EngineClient;

  before(assertWorkerBuilt);
  beforeEach(() => {
    handles = [];
    client = new EngineClient(() => {
      const handle = startBuiltWorker();
      handles.push(handle);
      return handle;
    });
  });
  afterEach(() => client.dispose());

  it('runs off the main thread and returns tensors as Float32Arrays', async () => {
    const { result } = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: 'a = b(c)' });
    const value = await result;
    assert.ok(value.attentions.every((layer) => layer instanceof Float32Array));
    assert.equal(value.attentions.length, 2);
    assert.equal(handles.length, 1);
  });

  it('a newer request supersedes an older one; the newer one completes', async () => {
    const first = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: LONG });
    const second = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: 'x + y' });
    await assert.rejects(first.result, code('superseded'));
    const value = await second.result;
    assert.equal(value.text, 'x + y');
  });

  it('cancellation ends the run at once and the next request works', async () => {
    const run = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: LONG });
    client.cancel(run.runId);
    await assert.rejects(run.result, code('cancelled'));
    const next = await client.inspect({ modelDir: fixtureModel('decoder-attn'), text: 'ok' })
      .result;
    assert.equal(next.text, 'ok');
  });

  it('closing ends an open run at once (closed) and leaves none open', async () => {
    const run = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: LONG });
    assert.equal(client.idle, false);
    await client.dispose();
    await assert.rejects(run.result, code('closed'));
    assert.equal(client.idle, true);
  });

  it('a crashed worker ends the run with a clear message; a fresh worker serves the next', async () => {
    await client.inspect({ modelDir: fixtureModel('decoder-attn'), text: 'warm up' }).result;
    const run = client.inspect({ modelDir: fixtureModel('decoder-attn'), text: LONG });
    await handles[0].worker.terminate(); // the thread dies as if it had crashed
    await assert.rejects(run.result, (error: unknown) => {
      code('crashed')(error);
      assert.match((error as Error).message, /stopped unexpectedly.*Run the command again/);
      return true;
    });
    const next = await client.inspect({ modelDir: fixtureModel('decoder-attn'), text: 'again' })
      .result;
    assert.equal(next.text, 'again');
    assert.equal(handles.length, 2);
  });

  it('reports a bad model folder with code badModel', async () => {
    await assert.rejects(
      client.inspect({
        modelDir: join(ROOT, 'test', 'fixtures', 'models', 'no-such-model'),
        text: 'hi',
      }).result,
      code('badModel'),
    );
  });

  it('reports empty input with code badInput', async () => {
    await assert.rejects(
      client.inspect({ modelDir: fixtureModel('decoder-attn'), text: '  ' }).result,
      code('badInput'),
    );
  });
});
