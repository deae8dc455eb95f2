import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTO_HEDGE, fixedHedgeDelay, learnedHedgeDelay } from './hedge-delay';
import { hedgeDue } from './hedge-due';

const key = { provider: 'alaya.chat', modelId: 'a', operation: 'stream' } as const;
const T0 = Date.UTC(2026, 11, 1);
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Records when `due` settled (ms after T) and with what. */
function watch(due: Promise<number | undefined>, t: number) {
  const seen: Array<{ atMs: number; afterMs: number | undefined }> = [];
  void due.then(afterMs => seen.push({ atMs: Date.now() - t, afterMs }));
  return seen;
}

describe('hedgeDue', () => {
  it('a fixed delay: due exactly at it, whatever its peers', async () => {
    const delay = fixedHedgeDelay(800);
    const peer = delay.track(key, T0);
    const seen = watch(hedgeDue(new Promise(() => {}), delay, key, delay.track(key, T0)), T0);
    await vi.advanceTimersByTimeAsync(799);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ atMs: 800, afterMs: 800 }]);
    peer.end();
  });

  it('late with its peers: checked again one more delay later (no peer ended), due once most of them answered', async () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(key, 400, T0 - 10_000);
    const t = T0;
    const peers = [delay.track(key, t), delay.track(key, t), delay.track(key, t)];
    const seen = watch(hedgeDue(new Promise(() => {}), delay, key, delay.track(key, t)), t);
    await vi.advanceTimersByTimeAsync(600);
    expect(seen).toEqual([]); // 3 peers late, none on time (limit 2.6)
    // Three peers that started with it answered at 500 ms (samples only: no peer ended).
    for (let i = 0; i < 3; i++) delay.learn(key, 500, t + 500);
    await vi.advanceTimersByTimeAsync(599);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ atMs: 1200, afterMs: 600 }]);
    for (const peer of peers) peer.end();
  });

  it('peers that answered just before the delay count on time once it waited 1.5× their time: due exactly then, not one delay later', async () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(key, 400, T0 - 10_000);
    const t = T0;
    const seen = watch(hedgeDue(new Promise(() => {}), delay, key, delay.track(key, t)), t);
    await vi.advanceTimersByTimeAsync(590);
    // Five peers that started with it answered at 590 ms (samples only: no peer ended).
    for (let i = 0; i < 5; i++) delay.learn(key, 590, t + 590);
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual([]); // at 600 (the delay): not yet 1.5 × 590 ms, the five are late with it
    await vi.advanceTimersByTimeAsync(284);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual([{ atMs: 885, afterMs: 600 }]);
  });

  it('the attempt answering first: undefined, and no timer left behind', async () => {
    const delay = learnedHedgeDelay();
    for (let i = 0; i < AUTO_HEDGE.minSamples; i++) delay.learn(key, 400, T0 - 10_000);
    const peers = [delay.track(key, T0), delay.track(key, T0), delay.track(key, T0)];
    let answer: () => void = () => {};
    const settled = new Promise<void>(resolve => {
      answer = resolve;
    });
    const seen = watch(hedgeDue(settled, delay, key, delay.track(key, T0)), T0);
    await vi.advanceTimersByTimeAsync(900); // late with its three peers: waits
    answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([{ atMs: 900, afterMs: undefined }]);
    for (const peer of peers) peer.end();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('during the warm-up: undefined at once (no hedge)', async () => {
    const delay = learnedHedgeDelay();
    const seen = watch(hedgeDue(new Promise(() => {}), delay, key, delay.track(key, T0)), T0);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([{ atMs: 0, afterMs: undefined }]);
  });
});
