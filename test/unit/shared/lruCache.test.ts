import { strict as assert } from 'node:assert';
import { LruCache } from '../../../src/shared/lruCache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1); // a is now the youngest
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.size, 2);
  });

  it('keeps the total weight within budget and skips values heavier than it', () => {
    const cache = new LruCache<string, Float32Array>(10, 1000, (v) => v.byteLength);
    cache.set('a', new Float32Array(100)); // 400 bytes
    cache.set('b', new Float32Array(100));
    cache.set('c', new Float32Array(100)); // 1200 > 1000: a goes
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.weight, 800);
    cache.set('huge', new Float32Array(1000));
    assert.equal(cache.get('huge'), undefined);
    assert.equal(cache.size, 2);
  });

  it('replaces a key without double-counting it, and clears', () => {
    const cache = new LruCache<string, string>(3, 10, (v) => v.length);
    cache.set('k', 'abcd');
    cache.set('k', 'xy');
    assert.equal(cache.weight, 2);
    assert.equal(cache.delete('k'), true);
    assert.equal(cache.delete('k'), false);
    cache.set('z', 'q');
    cache.clear();
    assert.equal(cache.size, 0);
    assert.equal(cache.weight, 0);
  });

  it('rejects a capacity below one', () => {
    assert.throws(() => new LruCache(0), RangeError);
  });
});
