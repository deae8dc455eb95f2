import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBoundedMap } from './bounded-map';

const keys = (map: { entries(): Array<[string, unknown]> }) => map.entries().map(([key]) => key);

describe('createBoundedMap', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds exactly maxEntries; the next new key drops the older half', () => {
    const map = createBoundedMap<string, number>(4, 60_000);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, i);
    expect(keys(map)).toEqual(['a', 'b', 'c', 'd']);
    expect(map.size()).toBe(4);
    map.set('e', 4);
    expect(keys(map)).toEqual(['c', 'd', 'e']);
    expect(map.get('a')).toBeUndefined();
    // Rewriting a key it holds takes no room.
    map.set('e', 5);
    expect(map.size()).toBe(3);
    expect(map.get('e')).toBe(5);
  });

  it('keeps an entry that is read: a flood of new keys does not push it out', () => {
    const map = createBoundedMap<string, number>(4, 60_000);
    map.set('hot', 0);
    for (let i = 0; i < 1_000; i++) {
      map.set(`flood-${i}`, i);
      expect(map.get('hot')).toBe(0);
      expect(map.size()).toBeLessThanOrEqual(4);
    }
  });

  it('an entry expires ttlMs after its last write, exactly; a read does not extend it', async () => {
    const map = createBoundedMap<string, number>(4, 1_000);
    map.set('a', 1);
    map.set('b', 2, 50); // its own ttl
    await vi.advanceTimersByTimeAsync(49);
    expect(map.ttlLeft('b')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(map.get('b')).toBeUndefined();
    expect(map.ttlLeft('b')).toBe(0);
    await vi.advanceTimersByTimeAsync(949);
    expect(map.get('a')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(map.get('a')).toBeUndefined();
    map.set('a', 3); // written again: another 1000 ms
    await vi.advanceTimersByTimeAsync(999);
    expect(map.get('a')).toBe(3);
  });

  it('after a long idle it returns nothing and counts nothing', async () => {
    const map = createBoundedMap<string, number>(256, 600_000);
    for (let i = 0; i < 256; i++) map.set(`model-${i}`, i);
    await vi.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(map.size()).toBe(0);
    expect(map.entries()).toEqual([]);
    expect(map.get('model-255')).toBeUndefined();
  });

  it('delete removes a key from either half', () => {
    const map = createBoundedMap<string, number>(4, 60_000);
    for (const key of ['a', 'b', 'c']) map.set(key, 0);
    map.delete('a'); // in the older half
    map.delete('c'); // in the newer half
    expect(keys(map)).toEqual(['b']);
  });
});
