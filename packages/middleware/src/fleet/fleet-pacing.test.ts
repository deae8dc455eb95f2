import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError, ServiceUnavailableError } from '../errors/status-errors';
import { createFleetGuard } from './fleet-guard';
import type { PaceEvent } from './pacer';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };

/** A guard paced at 60 rpm and three attempts: at once, then in their slots at 1021 and 2041 ms. */
function threeAttempts() {
  const guard = createFleetGuard({ pacing: { rpm: 60 }, cooldownSpreadMs: 0 });
  const start = Date.now();
  const sentAt: number[] = [];
  for (let i = 0; i < 3; i++)
    void guard.beforeAttempt(glm).then(() => sentAt.push(Date.now() - start));
  return { guard, sentAt };
}

describe('createFleetGuard({ pacing })', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('learns the limit from a success’s x-ratelimit headers and paces the next attempts', async () => {
    const events: PaceEvent[] = [];
    const guard = createFleetGuard({
      pacing: true,
      cooldownSpreadMs: 0,
      onPace: e => {
        events.push(e);
      },
    });
    await guard.beforeAttempt(glm);
    await guard.onSuccess({
      ...glm,
      responseHeaders: {
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '1',
      },
    });
    let admitted = false;
    void guard.beforeAttempt(glm).then(() => {
      admitted = true;
    });
    // 60 per minute, paced at 98 %, the bucket starting empty (the first request is in the
    // server's window): the next slot is 1021 ms away.
    await vi.advanceTimersByTimeAsync(1010);
    expect(admitted).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(admitted).toBe(true);
    expect(events).toEqual([
      { modelId: 'glm-5.2', provider: 'alaya.chat', waitMs: 1021, reason: 'learned_limit' },
    ]);
    expect((await guard.getState()).pacing).toEqual([
      {
        key: 'pace:alaya.chat:-:glm-5.2',
        rpm: 60,
        available: 0,
        reason: 'learned_limit',
        waiting: 0,
      },
    ]);
  });

  it('without headers, slows down after a 429; a stated rpm and tpm are the ceiling', async () => {
    const guard = createFleetGuard({ pacing: { rpm: 60, tpm: 30_000 }, cooldownSpreadMs: 0 });
    await guard.beforeAttempt(glm);
    expect((await guard.getState()).pacing[0]).toMatchObject({ rpm: 60, reason: 'stated_limit' });
    await guard.onFailure({
      ...glm,
      error: new RateLimitError({ message: '429', statusCode: 429 }),
    });
    expect((await guard.getState()).pacing[0]).toMatchObject({ reason: 'adaptive' });
    expect((await guard.getState()).pacing[0]?.rpm).toBeLessThan(60);
  });

  it('an attempt waiting for its slot when a 429 arrives waits out the Retry-After, then takes a new slot', async () => {
    const { guard, sentAt } = threeAttempts();
    await vi.advanceTimersByTimeAsync(500);
    // The first attempt's answer: 429, Retry-After 3 s. The two waiting slots fall inside it.
    await guard.onFailure({
      ...glm,
      error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 3_000 }),
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sentAt).toHaveLength(3);
    expect(sentAt[0]).toBe(0);
    // Nothing goes before the server's Retry-After (500 + 3000 ms); after it, one slot each.
    expect(sentAt[1]).toBeGreaterThanOrEqual(3_500);
    expect(sentAt[2]! - sentAt[1]!).toBeGreaterThanOrEqual(1_020);
  });

  it('a window reported full until just after a slot (a late send) is waited out in place: the slot is kept', async () => {
    const { guard, sentAt } = threeAttempts();
    await vi.advanceTimersByTimeAsync(900);
    // An answer says the window is full for another 200 ms: until 1100 ms, 79 ms past the second slot.
    await guard.onSuccess({
      ...glm,
      responseHeaders: {
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '200ms',
      },
    });
    await vi.advanceTimersByTimeAsync(5_000);
    // The second waits the 79 ms out and goes; the third keeps its own slot. Spending the second's
    // slot would have sent it after the third's (3062 ms), leaving the slot at 1021 ms unused.
    expect(sentAt).toEqual([0, 1_100, 2_041]);
  });

  it('paces tokens per minute: an attempt takes its estimate, the usage corrects it', async () => {
    const events: PaceEvent[] = [];
    const guard = createFleetGuard({
      pacing: { tpm: 6000 }, // 100 tokens per second, paced at 98, no burst
      onPace: e => {
        events.push(e);
      },
    });
    const big = { ...glm, estimatedTokens: 300 };
    await guard.beforeAttempt(big); // an idle bucket lets it go: 299 tokens owed
    await guard.onSuccess({ ...big, usedTokens: 50 }); // used 50: 250 come back, 49 owed
    const next = guard.beforeAttempt({ ...glm, estimatedTokens: 50 });
    await vi.advanceTimersByTimeAsync(511); // 50 tokens at 98 per second
    await next;
    expect(events).toEqual([
      { modelId: 'glm-5.2', provider: 'alaya.chat', waitMs: 511, reason: 'stated_limit' },
    ]);
    expect((await guard.getState()).pacing[0]).toMatchObject({ tpm: 6000, tokens: -49 });
    // A failed attempt gives back everything it took.
    await guard.onFailure({
      ...glm,
      estimatedTokens: 50,
      error: new ServiceUnavailableError({ message: '503', statusCode: 503 }),
    });
    expect((await guard.getState()).pacing[0]).toMatchObject({ tokens: 1 });
  });

  it.each([
    ['x-ratelimit-limit-requests', 0],
    ['x-ratelimit-limit-tokens', 400],
  ])(
    'a 309-digit %s (Infinity as a number) does not block the model: the next calls are sent',
    async (header, estimatedTokens) => {
      const guard = createFleetGuard({ pacing: true, cooldownSpreadMs: 0 });
      const call = { ...glm, estimatedTokens };
      await guard.beforeAttempt(call);
      await guard.onSuccess({ ...call, responseHeaders: { [header]: '9'.repeat(309) } });
      const sent: number[] = [];
      const refused: unknown[] = [];
      for (let i = 0; i < 3; i++)
        void guard.beforeAttempt(call).then(
          () => sent.push(i),
          error => refused.push(error),
        );
      await vi.advanceTimersByTimeAsync(1_000);
      expect(refused).toEqual([]);
      expect(sent).toEqual([0, 1, 2]);
      // What the bucket paces at is a number (`available` is Infinity without a request rate).
      const { rpm, tpm, tokens } = (await guard.getState()).pacing[0] ?? {};
      for (const value of [rpm, tpm, tokens])
        if (value !== undefined) expect(value).toBeLessThan(1e15);
    },
  );

  it('without headers, a first 429 with Retry-After: 3600 holds the model for maxCooldownMs and measures the rate over a minute, not the hour', async () => {
    const guard = createFleetGuard({ pacing: true, cooldownSpreadMs: 0 });
    await guard.beforeAttempt(glm);
    for (let i = 0; i < 20; i++) await guard.onSuccess(glm);
    await vi.advanceTimersByTimeAsync(500);
    await guard.onFailure({
      ...glm,
      error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 3_600_000 }),
    });
    const state = await guard.getState();
    expect(state.models[0]?.cooldownMs).toBe(300_000);
    expect(state.pacing[0]?.reason).toBe('adaptive');
    expect(state.pacing[0]?.rpm).toBeCloseTo((20 * 60_000) / 60_500);
  });

  describe('pacing.per: where the server counts the limit (chat and embeddings on one key)', () => {
    const embedding: AttemptInfo = {
      modelId: 'embedding-3',
      provider: 'alaya.embedding',
      attempt: 1,
    };

    /** When a chat attempt and then an embedding attempt go, at 60 rpm, counted `per`. */
    async function chatThenEmbedding(per: 'model' | 'key' | undefined) {
      const guard = createFleetGuard({
        pacing: { rpm: 60, ...(per === undefined ? {} : { per }) },
        cooldownSpreadMs: 0,
      });
      const start = Date.now();
      const sentAt: number[] = [];
      for (const info of [glm, embedding]) {
        void guard.beforeAttempt(info).then(() => sentAt.push(Date.now() - start));
      }
      await vi.advanceTimersByTimeAsync(3_000);
      return { sentAt, state: await guard.getState() };
    }

    it("per: 'key': a chat and an embedding attempt share one bucket (the second waits its slot)", async () => {
      const { sentAt, state } = await chatThenEmbedding('key');
      expect(sentAt).toEqual([0, 1_021]);
      expect(state.pacing.map(p => p.key)).toEqual(['pace:alaya:-']);
    });

    it("per: 'model' (the default): each model has its own bucket, both go at once", async () => {
      for (const per of ['model', undefined] as const) {
        const { sentAt, state } = await chatThenEmbedding(per);
        expect(sentAt).toEqual([0, 0]);
        expect(state.pacing).toHaveLength(2);
      }
    });

    it("per: 'key': a 429's Retry-After on a chat call holds the embedding calls too; the breaker stays per model", async () => {
      const guard = createFleetGuard({
        pacing: { rpm: 6000, per: 'key' },
        circuitBreaker: { failureThreshold: 1 },
        cooldownSpreadMs: 0,
      });
      await guard.beforeAttempt(glm);
      await guard.onFailure({
        ...glm,
        error: new RateLimitError({ message: '429', statusCode: 429, retryAfterMs: 2_000 }),
      });
      let sentAt: number | undefined;
      const start = Date.now();
      void guard.beforeAttempt(embedding).then(() => {
        sentAt = Date.now() - start;
      });
      await vi.advanceTimersByTimeAsync(5_000);
      expect(sentAt).toBeGreaterThanOrEqual(2_000);
      // A model's failure opens its own breaker, not the other model's.
      await guard.onFailure({
        ...glm,
        error: new ServiceUnavailableError({ message: '503', statusCode: 503 }),
      });
      const models = (await guard.getState()).models;
      expect(models.find(m => m.modelId === 'glm-5.2')?.breaker).toBe('open');
      expect(models.find(m => m.modelId === 'embedding-3')?.breaker).toBe('closed');
    });
  });

  it('is off by default', async () => {
    const guard = createFleetGuard();
    await guard.beforeAttempt(glm);
    expect((await guard.getState()).pacing).toEqual([]);
  });
});
