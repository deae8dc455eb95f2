import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { PACE_MARGIN, type PaceAnswer } from './learn-rate';
import { createMemoryStore } from './memory-store';
import { createPacer } from './pacer';

afterEach(() => {
  vi.useRealTimers();
});

const embed: AttemptInfo = { modelId: 'bge-m3', provider: 'alaya.embedding', attempt: 1 };
const BATCH = 20_000;
const done: PaceAnswer = { limited: false, tokens: { estimated: BATCH, used: BATCH } };
const refused: PaceAnswer = { limited: true, retryAfterMs: 6_000, tokens: { estimated: BATCH } };

describe('the bucket after a 429 (issue 29: batches sent in pairs)', () => {
  it("a 429 of the first burst's in flight, within the hold, gives back nothing: the refused batch's retry queues behind the four reserved after the estimate, not on top of the last", async () => {
    vi.useFakeTimers();
    const p = createPacer({ store: createMemoryStore(), maxWaitMs: 3_600_000, own: e => e });
    await p.admit(embed, 'k', BATCH); // the slow start's first
    await p.learn('k', done); // its window is two
    await p.admit(embed, 'k', BATCH);
    await p.admit(embed, 'k', BATCH);
    await p.learn('k', refused); // the first estimate: the slow start ends
    const [state] = await p.state();
    const slotMs = (BATCH * 60_000) / ((state?.tpm ?? 0) * PACE_MARGIN);
    const start = Date.now();
    const times: number[] = [];
    for (let i = 0; i < 4; i++)
      void p.admit(embed, 'k', BATCH).then(() => times.push(Date.now() - start));
    await vi.advanceTimersByTimeAsync(0);
    await p.learn('k', refused); // the other batch of the burst: the same congestion, no cut
    const [held] = await p.state();
    expect(held?.tpm).toBe(state?.tpm);
    let retriedAt: number | undefined;
    void p.admit(embed, 'k', BATCH).then(() => {
      retriedAt = Date.now() - start;
    });
    await vi.advanceTimersByTimeAsync(10 * slotMs);
    expect(times).toHaveLength(4);
    // The four reserved at 0, 1, 2 and 3 slots; the retry comes a slot after the last.
    expect(retriedAt).toBeGreaterThanOrEqual((times[3] as number) + slotMs - 2);
  });
});
