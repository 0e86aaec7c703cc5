/**
 * Many quick requests, as a user holding down the shortcut or dragging a selection makes
 * them: the engine service (the worker's side of the channel, with the real engine and
 * onnxruntime-web) answers the newest and never computes the ones it replaced.
 */
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import type { EngineApi } from '../../src/protocol/engine';
import { Rpc } from '../../src/protocol/rpc';
import type { InspectResult } from '../../src/engine/types';
import { serveEngine } from '../../src/worker/engineService';
import { nodePortEndpoint } from '../../src/worker/nodePortEndpoint';
import { fixtureModel, sharedEngine } from '../unit/engine/fixtures';

describe('quick requests to the engine service', () => {
  const channel = new MessageChannel();
  after(() => {
    channel.port1.close();
    channel.port2.close();
  });

  it('defect 5: requests superseded while a run computes are dropped before they start', async () => {
    const engine = sharedEngine();
    const modelDir = fixtureModel('decoder-attn');
    const model = await engine.loadModel(modelDir);
    serveEngine(nodePortEndpoint(channel.port1), engine, 1);
    const host = new Rpc<EngineApi, Record<string, never>>(
      nodePortEndpoint(channel.port2),
      {},
      { transfer: true },
    );
    const computed: number[] = [];
    // Every inspection runs the graph through runHeld (issue 22).
    const runHeld = model.runHeld.bind(model);
    const pending: Promise<InspectResult>[] = [];
    const inspect = (runId: number) =>
      pending.push(host.call('inspect', { modelDir, text: `value_${runId} = f(${runId})`, runId }));
    model.runHeld = (ids, topK) => {
      computed.push(ids.length);
      // While the first run computes, 49 more requests queue up, newest last.
      if (computed.length === 1) for (let runId = 2; runId <= 50; runId++) inspect(runId);
      return runHeld(ids, topK);
    };
    try {
      inspect(1);
      const settled = await Promise.allSettled(await waitForAll(pending, 50));
      const last = settled[49];
      assert.equal(last.status, 'fulfilled', String((last as PromiseRejectedResult).reason));
      assert.equal((last as PromiseFulfilledResult<InspectResult>).value.text, 'value_50 = f(50)');
      for (const outcome of settled.slice(1, 49)) {
        assert.equal(outcome.status, 'rejected');
        assert.match(
          String((outcome as PromiseRejectedResult).reason),
          /newer inspection replaced/,
        );
      }
      assert.equal(
        computed.length,
        2,
        `the first and the newest run computed, not ${computed.length}`,
      );
    } finally {
      model.runHeld = runHeld;
      host.dispose();
    }
  });
});

/** The list of promises once it has `count` entries (the later ones are added by the spy). */
async function waitForAll<T>(list: Promise<T>[], count: number): Promise<Promise<T>[]> {
  while (list.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
  return list;
}
