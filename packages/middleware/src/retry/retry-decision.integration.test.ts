import { embed, generateText, wrapEmbeddingModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { alayaEmbeddingMiddleware } from '../alaya-embedding-middleware';
import { ALAYA_METADATA_KEY } from '../answer-metadata';
import { RateLimitError } from '../errors/status-errors';
import { createFleetGuard } from '../fleet/fleet-guard';
import type { FleetOptions } from '../fleet/fleet-options';
import { useEmulator } from '../test-support/emulator-fixture';
import { rejection } from '../test-support/rejection';
import { MAX_LEARNING_RETRIES } from './retry-decision';

/**
 * The retry contract of a 429 a pacer let through while learning the limit (issue 29), over real
 * HTTP to the emulator: it spends none of `maxRetries`, up to `MAX_LEARNING_RETRIES`; with pacing
 * off, or at a stated limit, a 429 spends a retry as any failure does.
 */
const API_KEY = 'sk-learning-retries-0001-secret';
const fixture = useEmulator(API_KEY, { embeddingDimensions: 8, models: ['glm-5.2', 'embed-a'] });

/** `count` 429s of `path` with a short server wait (the guard's cooldown and the retry's delay). */
function refuse(path: string, count: number): void {
  fixture.emulator.enqueueFaults({ status: 429, retryAfterMs: 20, times: count, match: { path } });
}

const statuses = (path: string) =>
  fixture.emulator.requests.filter(r => r.path === path).map(r => r.status);

function embedder(pacing: FleetOptions['pacing'] | undefined) {
  const guard = createFleetGuard({ apiKey: API_KEY, ...(pacing ? { pacing } : {}) });
  return wrapEmbeddingModel({
    model: fixture.provider().embeddingModel('embed-a'),
    middleware: alayaEmbeddingMiddleware({ guard, apiKey: API_KEY, jitter: 'none' }),
  });
}

describe('a 429 the pacer let through while learning spends no retry (real HTTP)', () => {
  it('chat, pacing learned from 429s: three overshoot 429s, then the answer on the 4th attempt (maxRetries 2)', async () => {
    refuse('/v1/chat/completions', 3);
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: true });
    const result = await generateText({ model: fixture.model({ guard }), prompt: 'Hi' });
    expect(statuses('/v1/chat/completions')).toEqual([429, 429, 429, 200]);
    expect(result.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({ attempts: 4 });
  });

  it('embeddings, pacing learned from 429s: three overshoot 429s, then the vector on the 4th attempt (maxRetries 2)', async () => {
    refuse('/v1/embeddings', 3);
    const result = await embed({ model: embedder(true), value: 'alpha' });
    expect(result.embedding).toHaveLength(8);
    expect(statuses('/v1/embeddings')).toEqual([429, 429, 429, 200]);
  });

  it(`a server that 429s everything still fails the paced call, typed, after 1 + ${MAX_LEARNING_RETRIES} + maxRetries attempts and within seconds`, async () => {
    refuse('/v1/embeddings', 100);
    const started = Date.now();
    const error = await rejection(embed({ model: embedder(true), value: 'alpha' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.exhaustedReason).toBe('max_retries');
    expect(error.attempts).toHaveLength(1 + MAX_LEARNING_RETRIES + 2);
    expect(statuses('/v1/embeddings')).toEqual(Array(1 + MAX_LEARNING_RETRIES + 2).fill(429));
    // Each attempt waits its 20 ms Retry-After and a slot at the rate the 429s cut.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(error.message).not.toContain(API_KEY);
  });

  it('pacing off: a 429 spends a retry as before (three 429s fail the call after 3 attempts)', async () => {
    refuse('/v1/embeddings', 3);
    const error = await rejection(embed({ model: embedder(undefined), value: 'alpha' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.exhaustedReason).toBe('max_retries');
    expect(statuses('/v1/embeddings')).toEqual([429, 429, 429]);
  });

  it('a stated limit (pacing.rpm): the 429 of an attempt admitted at it is the call’s failure, it spends a retry (maxRetries 0: one attempt)', async () => {
    refuse('/v1/chat/completions', 1);
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { rpm: 6_000 } });
    const model = fixture.model({ guard, maxRetries: 0 });
    const error = await rejection(generateText({ model, prompt: 'Hi' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(statuses('/v1/chat/completions')).toEqual([429]);
  });

  it('the same with pacing learned from 429s: the 429 spends no retry (maxRetries 0: answered on the 2nd attempt)', async () => {
    refuse('/v1/chat/completions', 1);
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: true });
    const model = fixture.model({ guard, maxRetries: 0 });
    await generateText({ model, prompt: 'Hi' });
    expect(statuses('/v1/chat/completions')).toEqual([429, 200]);
  });
});
