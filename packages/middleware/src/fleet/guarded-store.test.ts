import { describe, expect, it } from 'vitest';
import { createGuardedStore } from './guarded-store';
import { createMemoryStore } from './memory-store';
import type { ResilienceStore } from './resilience-store';

const bucket = { capacity: 100, ttlMs: 60_000 };

/** A memory store that counts its calls and answers each after `answer()` (a round trip). */
function remoteStore(answer: () => Promise<void> = () => Promise.resolve()) {
  const memory = createMemoryStore();
  const calls: string[] = [];
  const store = new Proxy(memory, {
    get:
      (target, name: keyof ResilienceStore) =>
      async (...args: unknown[]) => {
        calls.push(name);
        await answer();
        return (target[name] as (...a: unknown[]) => Promise<unknown>)(...args);
      },
  });
  return { store, calls, memory };
}

describe('createGuardedStore', () => {
  it('sends one round trip for a burst of concurrent calls at one key, two at most', async () => {
    const { store, calls, memory } = remoteStore(() => new Promise(r => setTimeout(r, 5)));
    await memory.extendCooldown('cd', 60_000);
    const guarded = createGuardedStore(store, { timeoutMs: 1000, retryMs: 1000 });
    const reads = await Promise.all(Array.from({ length: 200 }, () => guarded.getCooldown('cd')));
    expect(reads.every(ms => ms > 59_000)).toBe(true);
    expect(calls.filter(c => c === 'getCooldown').length).toBeLessThanOrEqual(2);

    const extended = await Promise.all(
      Array.from({ length: 200 }, (_, i) => guarded.extendCooldown('cd2', 1000 + i)),
    );
    expect(calls.filter(c => c === 'extendCooldown').length).toBeLessThanOrEqual(2);
    // Each caller sees a cooldown at least as long as the one it asked for.
    expect(extended.every((left, i) => left > 1000 + i - 100)).toBe(true);
    expect(await memory.getCooldown('cd2')).toBeGreaterThan(1100);

    await guarded.takeTokens('b', 50, bucket);
    const counts = await Promise.all(
      Array.from({ length: 40 }, () => guarded.addTokens('b', 1, bucket)),
    );
    expect(calls.filter(c => c === 'addTokens').length).toBeLessThanOrEqual(2);
    expect(Math.max(...counts)).toBe(90); // all 40 tokens added, none lost in the merge
    expect((await memory.takeTokens('b', 0, bucket)).remaining).toBe(90);
  });

  it('still grants or refuses each take on its own', async () => {
    const { store } = remoteStore();
    const guarded = createGuardedStore(store, { timeoutMs: 1000, retryMs: 1000 });
    const takes = await Promise.all(
      Array.from({ length: 30 }, () => guarded.takeTokens('b', 5, bucket)),
    );
    expect(takes.filter(t => t.granted)).toHaveLength(20);
  });

  it('fails the calls queued behind a failed round trip at once, and reports it once', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const { store, calls } = remoteStore(async () => {
      await new Promise(r => setTimeout(r, 5));
      if (fail) throw new Error('down');
    });
    const guarded = createGuardedStore(store, {
      timeoutMs: 1000,
      retryMs: 60_000,
      onStoreError: e => errors.push(e),
    });
    const reads = await Promise.all(Array.from({ length: 50 }, () => guarded.getCooldown('cd')));
    expect(reads.every(ms => ms === 0)).toBe(true);
    expect(calls).toHaveLength(1);
    expect(errors).toHaveLength(1);
    fail = false;
  });

  it('does not count time the event loop was blocked against the store (a cold or busy process)', async () => {
    const errors: unknown[] = [];
    // The answer needs the event loop to get round to I/O once more (as a socket reply does).
    const { store } = remoteStore(() => new Promise(r => setImmediate(() => setTimeout(r, 5))));
    const guarded = createGuardedStore(store, {
      timeoutMs: 100,
      retryMs: 60_000,
      onStoreError: e => errors.push(e),
    });
    for (let round = 0; round < 3; round++) {
      const read = guarded.getCooldown(`cd${round}`);
      const blockedUntil = Date.now() + 250;
      while (Date.now() < blockedUntil) {
        // a burst of synchronous work: 2.5 times the store's time limit
      }
      await read;
    }
    expect(errors).toEqual([]);
  });

  it('still times out a store that does not answer while the loop is free', async () => {
    const errors: Array<{ error: Error }> = [];
    const { store } = remoteStore(() => new Promise(() => {}));
    const guarded = createGuardedStore(store, {
      timeoutMs: 50,
      retryMs: 60_000,
      onStoreError: e => errors.push(e as { error: Error }),
    });
    const started = Date.now();
    expect(await guarded.getCooldown('cd')).toBe(0);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(errors[0]?.error.message).toBe('store.getCooldown took longer than 50ms');
  });
});
