import { describe, expect, it } from 'vitest';
import { createCallCounters } from './call-counters';

const glm = { provider: 'alaya.chat', modelId: 'glm-5.1' };
const start = { ...glm, attempt: 1, fallbackIndex: 0, operation: 'generate' as const };

describe('createCallCounters', () => {
  it('counts requests, failures, 429s, retries and waits per model and in total', () => {
    const counters = createCallCounters();
    counters.startAttempt(start).end({
      status: 'failed',
      kind: 'rate_limit',
      errorType: 'RateLimitError',
      statusCode: 429,
      wait: { ms: 1000, reason: 'retry_after' },
    });
    counters.startAttempt({ ...start, attempt: 2 }).end({ status: 'ok', statusCode: 200 });
    counters.record({ type: 'wait', model: glm, ms: 250, reason: 'cooldown' });

    const { total, byModel } = counters.snapshot();
    expect(total).toEqual(byModel['alaya.chat:glm-5.1']);
    expect(total).toMatchObject({ requests: 2, failures: 1, rateLimited: 1, retries: 1 });
    expect(total.waitMs).toEqual({ backoff: 0, retry_after: 1000, cooldown: 250, pacing: 0 });
  });

  it('counts fallbacks on the model left and breaker opens, not other transitions', () => {
    const counters = createCallCounters();
    const other = { provider: 'openai.chat', modelId: 'gpt-5-mini' };
    counters.record({
      type: 'fallback',
      from: glm,
      to: other,
      kind: 'bad_gateway',
      fallbackIndex: 1,
    });
    counters.record({ type: 'breaker', model: glm, from: 'closed', to: 'open' });
    counters.record({ type: 'breaker', model: glm, from: 'open', to: 'half_open' });
    const { byModel } = counters.snapshot();
    expect(byModel['alaya.chat:glm-5.1']).toMatchObject({ fallbacks: 1, breakerOpens: 1 });
    expect(byModel['openai.chat:gpt-5-mini']).toBeUndefined();
  });

  it('counts streams interrupted after content and the ones continued', () => {
    const counters = createCallCounters();
    const event = { type: 'stream_interrupted', model: glm, kind: 'timeout' } as const;
    counters.record({ ...event, continued: true });
    counters.record({ ...event, continued: false });
    const { total } = counters.snapshot();
    expect(total).toMatchObject({ streamInterruptions: 2, continuations: 1 });
  });

  it('returns copies, resets, and caps the number of models tracked one by one', () => {
    const counters = createCallCounters();
    for (let i = 0; i < 300; i++) counters.startAttempt({ ...start, modelId: `m-${i}` });
    const snapshot = counters.snapshot();
    expect(Object.keys(snapshot.byModel)).toHaveLength(256);
    expect(snapshot.total.requests).toBe(300);
    snapshot.total.requests = 0;
    expect(counters.snapshot().total.requests).toBe(300);
    counters.reset();
    expect(counters.snapshot()).toEqual({
      total: expect.objectContaining({ requests: 0 }),
      byModel: {},
    });
  });
});
