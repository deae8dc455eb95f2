import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from './memory-store';
import { MAX_ENTRY_TTL_MS } from './store-ttl';

const bucket = { capacity: 10, ttlMs: 1000 };

describe('createMemoryStore', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the longest cooldown and lets it expire', async () => {
    const store = createMemoryStore();
    expect(await store.getCooldown('a')).toBe(0);
    expect(await store.extendCooldown('a', 1000)).toBe(1000);
    expect(await store.extendCooldown('a', 400)).toBe(1000);
    vi.advanceTimersByTime(300);
    expect(await store.getCooldown('a')).toBe(700);
    expect(await store.extendCooldown('a', 2000)).toBe(2000);
    vi.advanceTimersByTime(2000);
    expect(await store.getCooldown('a')).toBe(0);
    expect(await store.getCooldown('b')).toBe(0);
  });

  it('takes tokens while the bucket can pay and refills up to capacity', async () => {
    const store = createMemoryStore();
    expect(await store.takeTokens('b', 4, bucket)).toEqual({ granted: true, remaining: 6 });
    expect(await store.takeTokens('b', 4, bucket)).toEqual({ granted: true, remaining: 2 });
    expect(await store.takeTokens('b', 4, bucket)).toEqual({ granted: false, remaining: 2 });
    expect(await store.takeTokens('b', 0, bucket)).toEqual({ granted: true, remaining: 2 });
    expect(await store.addTokens('b', 5, bucket)).toBe(7);
    expect(await store.addTokens('b', 50, bucket)).toBe(10);
    expect(await store.takeTokens('b', 10, bucket)).toEqual({ granted: true, remaining: 0 });
  });

  it('forgets an untouched bucket after its TTL (a missing bucket is full)', async () => {
    const store = createMemoryStore();
    await store.takeTokens('b', 9, bucket);
    vi.advanceTimersByTime(999);
    expect((await store.takeTokens('b', 0, bucket)).remaining).toBe(1);
    vi.advanceTimersByTime(1);
    expect((await store.takeTokens('b', 0, bucket)).remaining).toBe(10);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('a TTL of %s is never stored: every entry expires', async (_, ttlMs) => {
    const store = createMemoryStore();
    await store.extendCooldown('cd', ttlMs);
    await store.takeTokens('b', 1, { capacity: 10, ttlMs });
    const left = await store.getCooldown('cd');
    expect(Number.isFinite(left)).toBe(true);
    vi.advanceTimersByTime(MAX_ENTRY_TTL_MS);
    expect(await store.getCooldown('cd')).toBe(0);
    expect((await store.takeTokens('b', 0, { capacity: 10, ttlMs: 1000 })).remaining).toBe(10);
  });

  it('compare-and-sets breaker records by version and deletes them', async () => {
    const store = createMemoryStore();
    expect(await store.getBreaker('c')).toEqual({ version: 0 });
    const open = { state: 'open' as const, failures: 3, openedAt: 1 };
    expect(await store.compareAndSetBreaker('c', 1, open, 1000)).toBe(false);
    expect(await store.compareAndSetBreaker('c', 0, open, 1000)).toBe(true);
    expect(await store.getBreaker('c')).toEqual({ record: open, version: 1 });
    expect(await store.compareAndSetBreaker('c', 0, open, 1000)).toBe(false);
    expect(await store.compareAndSetBreaker('c', 1, undefined, 1000)).toBe(true);
    expect(await store.getBreaker('c')).toEqual({ version: 0 });
    await store.compareAndSetBreaker('c', 0, open, 1000);
    vi.advanceTimersByTime(1000);
    expect(await store.getBreaker('c')).toEqual({ version: 0 });
  });

  it('returns copies, so a caller cannot change the stored record', async () => {
    const store = createMemoryStore();
    await store.compareAndSetBreaker('c', 0, { state: 'closed', failures: 1 }, 1000);
    const read = await store.getBreaker('c');
    read.record!.failures = 99;
    expect((await store.getBreaker('c')).record?.failures).toBe(1);
  });
});
