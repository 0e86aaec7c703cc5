/**
 * The engine service fills a held result's value norms in the background (issue 24, item 5;
 * src/worker/engineService.ts): it starts once the inspection is held, and a newer inspection
 * stops it after the task in flight. Real engine and onnxruntime behind a MessageChannel.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { Engine } from '../../../src/engine/engine';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import type { EngineApi, EngineEvent } from '../../../src/protocol/engine';
import { Rpc } from '../../../src/protocol/rpc';
import { serveEngine } from '../../../src/worker/engineService';
import { nodePortEndpoint } from '../../../src/worker/nodePortEndpoint';
import { ROOT, sharedEngine } from '../engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def mean(values):\n    total = sum(values)\n    return total / len(values)\n';

describe('the engine service fills value norms in the background (issue 24, item 5)', function () {
  this.timeout(120_000);

  it('starts after an inspection is held; a newer inspection stops it', async () => {
    sharedEngine(); // onnxruntime configured
    const engine = new Engine(nodeModelFiles);
    const { port1, port2 } = new MessageChannel();
    serveEngine(nodePortEndpoint(port1), engine, 1);
    const client = new Rpc<EngineApi, Record<string, never>, EngineEvent>(
      nodePortEndpoint(port2),
      {},
    );
    const tasks: number[] = [];
    let asked: Promise<unknown> | undefined;
    const next = engine.backgroundTask;
    // Each task is logged; the first one asks for a newer inspection and lets it arrive.
    Object.assign(engine, {
      backgroundTask: (resultId: number) => {
        const task = next(resultId);
        return (
          task &&
          (async () => {
            tasks.push(resultId);
            await task();
            if (asked) return;
            asked = client.call('inspectHeld', { runId: 2, modelDir: BUNDLED, text: 'x = 1\n' });
            await new Promise((resolve) => setTimeout(resolve, 200));
          })
        );
      },
    });
    try {
      const first = await client.call('inspectHeld', { runId: 1, modelDir: BUNDLED, text: TEXT });
      while (!asked) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = (await asked) as Awaited<ReturnType<EngineApi['inspectHeld']>>;
      while (engine.backgroundTask(second.resultId)) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const layers = first.stacks[0].layers;
      const ofFirst = tasks.filter((id) => id === first.resultId).length;
      assert.equal(ofFirst, 1, 'one task of the first result, then the newer inspection');
      assert.ok(next(first.resultId), 'the first result was left unfinished');
      assert.equal(tasks.filter((id) => id === second.resultId).length, layers);
    } finally {
      client.dispose();
      port1.close();
      port2.close();
    }
  });
});
