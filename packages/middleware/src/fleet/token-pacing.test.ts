import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { PACE_MARGIN } from './learn-rate';
import { createMemoryStore } from './memory-store';
import { createPacer } from './pacer';

const embed: AttemptInfo = { modelId: 'bge-m3', provider: 'alaya.embedding', attempt: 1 };
const own = <E extends Error>(e: E) => e;

/** A pacer that learned 10,000 tokens a minute from a 429 of 10,000-token batches (Retry-After: a minute). */
async function learnedTenThousand(maxWaitMs: number) {
  const p = createPacer({ store: createMemoryStore(), maxWaitMs, own });
  await p.admit(embed, 'k', 10_000);
  await p.learn('k', { limited: false, tokens: { estimated: 10_000, used: 10_000 } });
  await p.admit(embed, 'k', 10_000);
  await p.learn('k', { limited: true, retryAfterMs: 60_000, tokens: { estimated: 10_000 } });
  const [state] = await p.state();
  expect(state).toMatchObject({ tpm: 10_000, reason: 'adaptive' });
  expect(state?.rpm).toBeUndefined();
  return p;
}

describe('pacing by a token rate learned from 429s', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a batch of 50,000 tokens, five times the learned rate a minute, still goes at once (in debt); the next call waits the debt out', async () => {
    const p = await learnedTenThousand(600_000);
    expect(await p.admit(embed, 'k', 50_000)).toBeUndefined(); // not waited
    const start = Date.now();
    let admittedAt: number | undefined;
    void p.admit(embed, 'k', 10).then(() => {
      admittedAt = Date.now() - start;
    });
    // The debt and the one token a full bucket holds: 50,000 tokens at 9,800 a minute (98 % of
    // 10,000), 306 s.
    const debtMs = Math.ceil((50_000 * 60_000) / (10_000 * PACE_MARGIN));
    await vi.advanceTimersByTimeAsync(debtMs - 1_000);
    expect(admittedAt).toBeUndefined();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(admittedAt).toBeGreaterThanOrEqual(debtMs - 1);
    expect(admittedAt).toBeLessThanOrEqual(debtMs + 1);
  });

  it('the call after a batch beyond its wait bound fails fast, typed, not sent', async () => {
    const p = await learnedTenThousand(60_000);
    expect(await p.admit(embed, 'k', 50_000)).toBeUndefined();
    const error = await p.admit(embed, 'k', 10).catch(e => e);
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect((error as RateLimitError).message).toMatch(
      /paced at 9800 tokens per minute \(adaptive\)/,
    );
  });
});
