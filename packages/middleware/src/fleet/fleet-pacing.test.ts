import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { createFleetGuard } from './fleet-guard';
import type { PaceEvent } from './pacer';

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };

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
    await guard.beforeAttempt(glm); // the one request left
    let admitted = false;
    void guard.beforeAttempt(glm).then(() => {
      admitted = true;
    });
    await vi.advanceTimersByTimeAsync(990);
    expect(admitted).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(admitted).toBe(true);
    expect(events).toEqual([
      { modelId: 'glm-5.2', provider: 'alaya.chat', waitMs: 1000, reason: 'learned_limit' },
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

  it('without headers, slows down after a 429; a stated plan is the ceiling', async () => {
    const guard = createFleetGuard({ pacing: { plan: 'free' }, cooldownSpreadMs: 0 });
    await guard.beforeAttempt(glm);
    expect((await guard.getState()).pacing[0]).toMatchObject({ rpm: 60, reason: 'stated_limit' });
    await guard.onFailure({
      ...glm,
      error: new RateLimitError({ message: '429', statusCode: 429 }),
    });
    expect((await guard.getState()).pacing[0]).toMatchObject({ reason: 'adaptive' });
    expect((await guard.getState()).pacing[0]?.rpm).toBeLessThan(60);
  });

  it('is off by default', async () => {
    const guard = createFleetGuard();
    await guard.beforeAttempt(glm);
    expect((await guard.getState()).pacing).toEqual([]);
  });
});
