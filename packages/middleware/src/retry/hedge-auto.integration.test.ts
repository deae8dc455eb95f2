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
});
