import { strict as assert } from 'node:assert';
import { RestoreStore } from '../../../src/panel/restoreStore';
import type { RestoreInfo } from '../../../src/panel/restoreStore';
import { memento } from './workspaceMemento';

const info = (uri: string, text = 'x = 1'): RestoreInfo => ({
  uri,
  modelDir: '/m',
  text,
  base: 3,
  label: 'a.py:1',
});

describe('RestoreStore', () => {
  it('keeps what each panel needs to run again, by title, across a new store on the same state', async () => {
    const state = memento();
    const store = new RestoreStore(state);
    await store.set('Attention · a.py', info('file:///a.py'));
    await store.set('Attention · b.py', info('file:///b.py'));
    const reloaded = new RestoreStore(state);
    assert.deepEqual(reloaded.get('Attention · a.py'), info('file:///a.py'));
    await reloaded.delete('Attention · a.py');
    assert.equal(reloaded.get('Attention · a.py'), undefined);
    assert.deepEqual(reloaded.get('Attention · b.py'), info('file:///b.py'));
  });

  it('does not save very long selections, and keeps only the latest panels', async () => {
    const store = new RestoreStore(memento());
    await store.set('long', info('file:///l.py', 'x'.repeat(200_001)));
    assert.equal(store.get('long'), undefined);
    for (let i = 0; i < 25; i++) await store.set(`p${i}`, info(`file:///${i}.py`));
    assert.equal(store.get('p0'), undefined);
    assert.equal(store.get('p4'), undefined);
    assert.deepEqual(store.get('p5'), info('file:///5.py'));
    assert.deepEqual(store.get('p24'), info('file:///24.py'));
  });
});
