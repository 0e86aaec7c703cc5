/**
 * A continuation's panel after a reload (issue 23): its restore record (settings and the shown
 * branch's ids) survives the workspace state's JSON, and the revived request, run by the real
 * engine on the GPT-2 fixture, writes the very ids the panel showed, a sampled fork included
 * (which its settings alone would not write again). Unknown or malformed records read as none.
 */
import assert from 'node:assert/strict';
import type { GenerationRequest, HeldResult } from '../../../src/engine/types';
import {
  continuationRecordOf,
  recordedBranch,
  revivedRequestOf,
} from '../../../src/panel/continuationRecord';
import { RestoreStore } from '../../../src/panel/restoreStore';
import { sharedEngine } from '../engine/fixtures';
import { GENERATION, hfDir } from '../inference/continuationFixtures';
import { memento } from './workspaceMemento';

async function write(request: GenerationRequest): Promise<HeldResult> {
  const engine = sharedEngine();
  const result = await engine.inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
    generate: request,
  });
  engine.release(result.resultId);
  return result;
}

const idsOf = (result: HeldResult): number[] => result.generation!.generated.map((t) => t.id);

/** The record saved in and read back from a RestoreStore, then the request it revives. */
async function throughStore(record: unknown): Promise<GenerationRequest | undefined> {
  const store = new RestoreStore(memento());
  const info = { uri: 'file:///a.py', modelDir: hfDir('gpt2'), text: 'x', base: 0, label: 'a' };
  await store.set('Attention: a.py', { ...info, continuation: record } as never);
  return revivedRequestOf(store.get('Attention: a.py')?.continuation);
}

describe('continuation restore record', () => {
  it('a greedy continuation comes back with the same ids and settings', async () => {
    const request = { maxNewTokens: 10 };
    const original = await write(request);
    const record = continuationRecordOf(request, original.generation!);
    const revived = await throughStore(record);
    assert.deepEqual(revived, { maxNewTokens: 10, forced: idsOf(original) });
    const again = await write(revived!);
    assert.deepEqual(idsOf(again), idsOf(original));
    assert.equal(again.generation!.kind, 'greedy');
  });

  it('a sampled fork comes back with its ids, seed, temperature and top-p', async () => {
    const ask = { maxNewTokens: 12, temperature: 1.3, topP: 0.95, seed: 4321 };
    const base = idsOf(await write(ask));
    // A fork at step 3: the branch's first two tokens, then another one.
    const alternative = base[2] === 7 ? 8 : 7;
    const forkRequest = { ...ask, forced: [...base.slice(0, 2), alternative] };
    const fork = await write(forkRequest);
    const record = continuationRecordOf(forkRequest, fork.generation!, {
      forkedAt: 3,
      token: 'x',
    });
    assert.equal(record?.seed, 4321);
    const revived = await throughStore(record);
    assert.deepEqual(revived, { ...ask, forced: idsOf(fork) });
    const again = await write(revived!);
    assert.deepEqual(idsOf(again), idsOf(fork));
    assert.equal(again.generation!.seed, 4321);
    assert.equal(again.generation!.temperature, 1.3);
    assert.equal(again.generation!.topP, 0.95);
    // Its settings alone write the first branch, not the fork the panel showed.
    assert.notDeepEqual(idsOf(await write(ask)), idsOf(fork));
    assert.deepEqual(recordedBranch(record), { forkedAt: 3, token: 'x' });
  });

  it('the newline stop is kept, and the bound covers every recorded id', async () => {
    const request = { maxNewTokens: 6, stopAtNewline: true };
    const original = await write(request);
    const record = continuationRecordOf(request, original.generation!)!;
    assert.equal(record.stopAtNewline, true);
    const revived = revivedRequestOf({ ...record, maxNewTokens: 1 })!;
    assert.equal(revived.maxNewTokens, record.ids.length);
    assert.equal(revived.stopAtNewline, true);
  });

  it('old, unknown and malformed records revive as a plain inspection', async () => {
    const good = { version: 1, maxNewTokens: 4, ids: [1, 2] };
    assert.ok(revivedRequestOf(good));
    assert.equal(await throughStore(undefined), undefined);
    for (const bad of [
      { ...good, version: 2 },
      { ...good, ids: [] },
      { ...good, ids: [1, -2] },
      { ...good, ids: [1.5] },
      { ...good, ids: 'ab' },
      { ...good, maxNewTokens: 0 },
      { ...good, temperature: 'hot' },
      { ...good, seed: 0.5 },
      null,
      'x',
    ]) {
      assert.equal(revivedRequestOf(bad), undefined, JSON.stringify(bad));
    }
    assert.deepEqual(recordedBranch({ ...good, branch: { forkedAt: 'x', token: 3 } }), {
      forkedAt: null,
      token: null,
    });
  });
});
