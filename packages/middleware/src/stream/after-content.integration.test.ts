import { streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import type { HedgeEvent } from '../retry/retry-events';
import { useEmulator } from '../test-support/emulator-fixture';
import { recorder } from '../test-support/telemetry-recorder';

/**
 * Hedging is bounded per call: a continuation (a re-issue after content broke) runs the retry loop
 * again, but never sends a hedge of its own, so one call sends at most one hedge.
 */
const API_KEY = 'sk-after-content-test-key-0123456789';
const fixture = useEmulator(API_KEY, { models: [{ id: 'plain-text', reasoning: false }] });
const { chat, model } = fixture;

/** Waits (real time, bounded) until the emulator saw request `index` end as `outcome`. */
async function settledAs(index: number, outcome: string): Promise<string | undefined> {
  for (let i = 0; i < 100 && chat()[index]?.outcome !== outcome; i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return chat()[index]?.outcome;
}

const FIRST_CONTENT_MS = 800;

describe('continuation with hedging over HTTP', () => {
  it('a stalled continuation is not hedged: it waits out firstContentTimeoutMs and retries', async () => {
    const clean = await streamText({ model: model({}, 'plain-text'), prompt: 'Hi there' }).text;
    fixture.emulator.reset();
    // 0: stalls after headers, so 1 (the call's hedge) is sent; 1 answers, then stalls mid-answer;
    // 2: the continuation stalls after headers; 3: its retry answers the rest.
    fixture.emulator.enqueueFaults([
      { stall: 'after-headers' },
      { stall: 'mid-stream', afterChunks: 5, chunkSize: 6 },
      { stall: 'after-headers' },
    ]);
    const hedges: HedgeEvent[] = [];
    const telemetry = recorder();
    const result = streamText({
      model: model(
        {
          hedge: { afterMs: 150 },
          firstContentTimeoutMs: FIRST_CONTENT_MS,
          idleTimeoutMs: 400,
          continuation: true,
          onHedge: e => void hedges.push(e),
          telemetry,
        },
        'plain-text',
      ),
      prompt: 'Hi there',
      onError: () => {},
    });
    const errors: unknown[] = [];
    for await (const part of result.fullStream) if (part.type === 'error') errors.push(part.error);
    expect(errors).toEqual([]);
    expect(await result.text).toBe(clean);
    expect(hedges).toHaveLength(1);
    expect(telemetry.starts.filter(s => s.hedge)).toHaveLength(1);
    const requests = chat();
    expect(requests).toHaveLength(4);
    expect(await settledAs(0, 'aborted')).toBe('aborted');
    expect(await settledAs(2, 'aborted')).toBe('aborted');
    expect(requests[3]!.outcome).toBe('completed');
    // The continuation's retry went out after its first-content timeout (800 ms), not after
    // hedge.afterMs (150 ms). The emulator stamps arrivals: on a loaded machine request 2 can arrive
    // up to ~100 ms after the client started its timer, so the bound sits well between the two.
    expect(requests[3]!.time - requests[2]!.time).toBeGreaterThanOrEqual(FIRST_CONTENT_MS * 0.75);
  });
});
