import { streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../test-support/emulator-fixture';
import { AUTO_HEDGE } from './hedge-delay';
import type { HedgeEvent } from './retry-events';

const API_KEY = 'sk-hedge-auto-test-key-0123456789';
/** Every healthy answer's time to first content is at least this (the emulator waits it). */
const FIRST_BYTE_MS = 300;
const fixture = useEmulator(API_KEY, { stream: { firstByteDelayMs: FIRST_BYTE_MS } });
const { chat, model } = fixture;

/** Runs `n` streams, `concurrency` at a time, to their end; returns their texts. */
async function streams(wrapped: ReturnType<typeof model>, n: number, concurrency: number) {
  const texts: string[] = [];
  for (let done = 0; done < n; done += concurrency) {
    const wave = Array.from({ length: Math.min(concurrency, n - done) }, () =>
      streamText({ model: wrapped, prompt: 'Hi' }).text.then(t => texts.push(t)),
    );
    await Promise.all(wave);
  }
  return texts;
}

/** The next requests' heads, each `delays[i]` ms later than a healthy one (`stall`: none comes). */
function shiftNext(delays: Array<number | 'stall'>) {
  for (const delay of delays) {
    fixture.emulator.enqueueFaults(
      delay === 'stall' ? { stall: 'after-headers' } : { firstByteDelayMs: delay },
    );
  }
}

/** One wave of 10 streams started together; each one's text, or the name of its error. */
async function wave(wrapped: ReturnType<typeof model>) {
  const calls = Array.from({ length: 10 }, () => streamText({ model: wrapped, prompt: 'Hi' }).text);
  const settled = await Promise.allSettled(calls);
  return settled.map(s => (s.status === 'fulfilled' ? s.value : (s.reason as Error).name));
}

describe("hedge: { afterMs: 'auto' } over HTTP", () => {
  it('after the warm-up, the learned delay hedges a stalled stream and no healthy one', async () => {
    const hedges: HedgeEvent[] = [];
    const wrapped = model({ hedge: true, onHedge: e => void hedges.push(e) });
    const warm = await streams(wrapped, AUTO_HEDGE.minSamples, 10);
    const clean = warm[0]!;
    expect(chat()).toHaveLength(AUTO_HEDGE.minSamples);

    const healthy = await streams(wrapped, 20, 10);
    expect(healthy).toEqual(Array.from({ length: 20 }, () => clean));
    expect(hedges).toEqual([]);
    expect(chat()).toHaveLength(AUTO_HEDGE.minSamples + 20);

    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const started = performance.now();
    const text = await streamText({ model: wrapped, prompt: 'Hi' }).text;
    const tookMs = performance.now() - started;
    expect(text).toBe(clean);
    expect(chat()).toHaveLength(2);
    expect(hedges).toHaveLength(1);
    // Learned from this model's answers: at least 1.5 × their median, each >= FIRST_BYTE_MS.
    expect(hedges[0]!.waitedMs).toBeGreaterThanOrEqual(AUTO_HEDGE.medianFactor * FIRST_BYTE_MS);
    // The stalled call's content came after the delay plus one healthy answer, well before the
    // 5-minute first-content limit would have cut the stalled attempt.
    expect(tookMs).toBeGreaterThanOrEqual(hedges[0]!.waitedMs + FIRST_BYTE_MS - 5);
    expect(tookMs).toBeLessThan(10_000);
  }, 60_000);

  it('a burst sharing a slowdown is not hedged (each was late with its peers); a stall among 10 concurrent healthy streams is', async () => {
    const hedges: HedgeEvent[] = [];
    const wrapped = model({ hedge: true, onHedge: e => void hedges.push(e) });
    const clean = (await streams(wrapped, AUTO_HEDGE.minSamples, 10))[0]!;

    // The next 10 requests get their head 3× later, all at once: before, all 10 were hedged.
    fixture.emulator.reset();
    for (let i = 0; i < 10; i++)
      fixture.emulator.enqueueFaults({ firstByteDelayMs: 2 * FIRST_BYTE_MS });
    expect(await streams(wrapped, 10, 10)).toEqual(Array.from({ length: 10 }, () => clean));
    expect(hedges).toEqual([]);
    expect(chat()).toHaveLength(10);

    // Healthy again; the first of 10 concurrent streams stalls: it alone is late, and hedged.
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    expect(await streams(wrapped, 10, 10)).toEqual(Array.from({ length: 10 }, () => clean));
    expect(hedges).toHaveLength(1);
    expect(chat()).toHaveLength(11);
  }, 60_000);

  it('a wave shifted 3× past the delay whose tail answers 200 ms after its head sends no hedge (before: the tail was hedged)', async () => {
    const hedges: HedgeEvent[] = [];
    const wrapped = model({ hedge: true, onHedge: e => void hedges.push(e) });
    const clean = (await streams(wrapped, AUTO_HEDGE.minSamples, 10))[0]!;

    // Seven heads at 900 ms, three at 1,100 ms: past the learned delay (about 1.5 × 300 ms), and
    // the tail well within 1.5 × what its peers took. The old rule counted the seven on time
    // against the delay (raised to their answers) a tenth of a delay after them, and hedged the
    // tail then.
    fixture.emulator.reset();
    shiftNext([...Array(7).fill(2 * FIRST_BYTE_MS), ...Array(3).fill(2 * FIRST_BYTE_MS + 200)]);
    expect(await wave(wrapped)).toEqual(Array.from({ length: 10 }, () => clean));
    expect(hedges).toEqual([]);
    expect(chat()).toHaveLength(10);
  }, 60_000);

  it("three stalls in a wave shifted 3× past the delay, its answers 20 ms apart: only the stalls are hedged, once 1.5 × their peers' time passed (before: never, the deadline ended them, or with its slowest healthy answers)", async () => {
    const hedges: HedgeEvent[] = [];
    const wrapped = model({ hedge: true, deadlineMs: 8_000, onHedge: e => void hedges.push(e) });
    // A full window: the learned delay is the third slowest of the last 100 answers.
    const clean = (await streams(wrapped, AUTO_HEDGE.window, 10))[0]!;

    // Seven heads at 900 to 1,020 ms and three stalls. The old rule compared the answers with the
    // delay they raised: the two slowest, past it, counted late for ever with the stalls (no hedge
    // until the deadline), or, when the first ones counted on time early, it hedged the slowest
    // healthy ones too (7 hedges).
    fixture.emulator.reset();
    shiftNext([
      ...Array.from({ length: 7 }, (_, i) => 2 * FIRST_BYTE_MS + 20 * i),
      'stall',
      'stall',
      'stall',
    ]);
    const started = performance.now();
    expect(await wave(wrapped)).toEqual(Array.from({ length: 10 }, () => clean));
    const tookMs = performance.now() - started;
    expect(hedges).toHaveLength(3);
    expect(chat()).toHaveLength(13);
    // Each waited 1.5 × the sixth answer of its nine peers (1,000 ms at least), not the deadline.
    for (const { waitedMs } of hedges) expect(waitedMs).toBeGreaterThanOrEqual(1.5 * 1_000);
    expect(tookMs).toBeLessThan(6_000);
  }, 60_000);
});
