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

/** A wave of attempts started together: each answers `ms` after it started, or stalls. */
type Wave = Array<number | 'stall'>;
/** A wave's hedges: which attempts (by index) went, when, and the stalls never hedged. */
interface WaveHedges {
  healthy: number[];
  stalls: number[];
  missed: number[];
}

/**
 * Runs `waves` one after the other through one learned delay, on the fake clock (the decision loop
 * as `hedge.ts` drives it): a healthy attempt is a sample and ends when it answers; a stalled one
 * ends when hedged (lost to its hedge), or is counted missed after 10 s.
 */
async function runWaves(waves: readonly Wave[]): Promise<WaveHedges[]> {
  const delay = learnedHedgeDelay();
  const results: WaveHedges[] = [];
  for (const wave of waves) {
    const t = Date.now();
    const result: WaveHedges = { healthy: [], stalls: [], missed: [] };
    const attempts = wave.map(async (ms, i) => {
      const tracked = delay.track(key, t);
      const answered = new Promise<void>(resolve => {
        if (ms === 'stall') return;
        setTimeout(() => {
          delay.learn(key, Date.now() - t, Date.now());
          tracked.end();
          resolve();
        }, ms);
      });
      const stalled = ms === 'stall';
      const cut = stalled ? new Promise<void>(resolve => setTimeout(resolve, 10_000)) : answered;
      const due = await hedgeDue(cut, delay, key, tracked);
      if (due === undefined && stalled) result.missed.push(i);
      if (due !== undefined) (stalled ? result.stalls : result.healthy).push(Date.now() - t);
      if (stalled) tracked.end();
      else await answered;
    });
    await vi.advanceTimersByTimeAsync(11_000);
    await Promise.all(attempts);
    results.push(result);
  }
  return results;
}

describe('schedule (g) on the fake clock: waves of 10, heads 300 ms, then 3× later', () => {
  const tight = (head: number): Wave => Array.from({ length: 10 }, (_, i) => head + i);
  /** Seven answers, 20 ms apart from `head`, and three stalls. */
  const threeStalls = (head: number): Wave => [
    ...Array.from({ length: 7 }, (_, i) => head + 20 * i),
    'stall',
    'stall',
    'stall',
  ];

  it('after the shift: no healthy attempt is hedged, a tail 200 ms behind its wave included; every stall is, three in a wave included (before: the tail hedged, and three stalls not before the 10 s limit)', async () => {
    const before = Array.from({ length: 10 }, () => tight(300));
    const oneStall: Wave = [...tight(900).slice(0, 9), 'stall'];
    const tail: Wave = [...tight(900).slice(0, 7), 1_100, 1_100, 1_100];
    const after = [tight(900), threeStalls(900), tail, oneStall, tight(900), threeStalls(900)];
    const results = await runWaves([...before, ...after]);
    const shifted = results.slice(before.length);
    expect(shifted.map(r => r.healthy)).toEqual(after.map(() => []));
    expect(shifted.map(r => r.missed)).toEqual(after.map(() => []));
    expect(shifted.map(r => r.stalls.length)).toEqual([0, 3, 0, 1, 0, 3]);
    // Each stall went once 1.5 × the answers of its wave had passed (a sixth of nine peers, or
    // of seven answers and two more stalls), never later than 1.5 × its slowest peer.
    expect(shifted[1]!.stalls).toEqual([1.5 * 1_000, 1.5 * 1_000, 1.5 * 1_000]);
    expect(shifted[3]!.stalls).toEqual([Math.ceil(1.5 * 905)]); // the next whole ms
  }, 30_000);
});
