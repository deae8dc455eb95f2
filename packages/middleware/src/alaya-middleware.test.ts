import {
  APICallError,
  InvalidArgumentError,
  type LanguageModelV4CallOptions,
  type LanguageModelV4GenerateResult,
  type LanguageModelV4StreamPart,
  LoadAPIKeyError,
} from '@ai-sdk/provider';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import {
  convertArrayToReadableStream,
  convertReadableStreamToArray,
  MockLanguageModelV4,
} from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ALAYA_METADATA_KEY,
  type AlayaMiddlewareOptions,
  alayaMiddleware,
} from './alaya-middleware';
import type { AttemptGuard } from './attempt-guard';
import type { AlayaError } from './errors/alaya-error';
import { ConnectionError, TimeoutError } from './errors/network-errors';
import {
  BadRequestError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
} from './errors/status-errors';

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 1, text: 1, reasoning: 0 },
};

function okResult(text: string): LanguageModelV4GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: 'stop', raw: 'stop' },
    usage,
    warnings: [],
  };
}

function httpError(status: number, headers: Record<string, string> = {}, body = ''): APICallError {
  return new APICallError({
    message: `HTTP ${status}`,
    url: 'http://127.0.0.1/v1/chat/completions',
    requestBodyValues: {},
    statusCode: status,
    responseHeaders: headers,
    responseBody: body,
  });
}

type Step =
  | Error
  | string
  | ((options: LanguageModelV4CallOptions) => Promise<LanguageModelV4GenerateResult>);

/** A mock model that plays `steps` in order (an error is thrown, a string is the answer). */
function scriptedModel(steps: Step[], modelId = 'primary') {
  const calls: number[] = [];
  const model = new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId,
    doGenerate: async options => {
      calls.push(Date.now());
      const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
      if (step instanceof Error) throw step;
      if (typeof step === 'function') return step(options);
      return okResult(step);
    },
  });
  return { model, calls };
}

function wrap(model: MockLanguageModelV4, options: AlayaMiddlewareOptions = {}) {
  return wrapLanguageModel({ model, middleware: alayaMiddleware({ jitter: 'none', ...options }) });
}

/** Runs `promise` to completion while advancing fake timers. */
async function settle<T>(promise: PromiseLike<T>, ms = 120_000): Promise<PromiseSettledResult<T>> {
  const settled = Promise.allSettled([Promise.resolve(promise)]).then(([result]) => result!);
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('alayaMiddleware: generate', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("retries 503 with the error guide's backoff (1 s, 2 s) and says how many attempts it took", async () => {
    const { model, calls } = scriptedModel([httpError(503), httpError(503), 'hello']);
    const onRetry = vi.fn();
    const result = await settle(generateText({ model: wrap(model, { onRetry }), prompt: 'hi' }));
    expect(result.status).toBe('fulfilled');
    const value = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof generateText>>>)
      .value;
    expect(value.text).toBe('hello');
    expect(calls.length).toBe(3);
    expect(calls[1]! - calls[0]!).toBe(1000);
    expect(calls[2]! - calls[1]!).toBe(2000);
    expect(
      onRetry.mock.calls.map(([event]) => [event.attempt, event.delayMs, event.error.kind]),
    ).toEqual([
      [1, 1000, 'service_unavailable'],
      [2, 2000, 'service_unavailable'],
    ]);
    expect(onRetry.mock.calls[0]![0].model).toEqual({ provider: 'mock.chat', modelId: 'primary' });
    expect(value.providerMetadata?.[ALAYA_METADATA_KEY]).toEqual({
      provider: 'mock.chat',
      modelId: 'primary',
      fallbackIndex: 0,
      attempts: 3,
    });
  });

  it('exhausted: throws the typed error with isRetryable false and the history; generateText adds no attempts', async () => {
    const { model, calls } = scriptedModel([httpError(503)]);
    const result = await settle(generateText({ model: wrap(model), prompt: 'hi' }));
    expect(calls.length).toBe(3);
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason;
    expect(ServiceUnavailableError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(error.exhaustedReason).toBe('max_retries');
    expect(error.message).toContain('gave up after 3 attempts');
    expect(error.attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        statusCode: 503,
        delayMs: 1000,
        kind: 'service_unavailable',
      }),
      expect.objectContaining({ attempt: 2, statusCode: 503, delayMs: 2000 }),
      expect.objectContaining({ attempt: 3, statusCode: 503 }),
    ]);
    expect(error.attempts[2]).not.toHaveProperty('delayMs');
  });

  it('with maxRetries 0 the first retryable error is thrown as not retryable', async () => {
    const { model, calls } = scriptedModel([httpError(500)]);
    const result = await settle(
      generateText({ model: wrap(model, { maxRetries: 0 }), prompt: 'hi', maxRetries: 5 }),
    );
    expect(calls.length).toBe(1);
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InternalServerError);
    expect((result as PromiseRejectedResult).reason.isRetryable).toBe(false);
  });

  it('does not retry a 400', async () => {
    const { model, calls } = scriptedModel([
      httpError(400, {}, '{"error":{"message":"missing messages"}}'),
    ]);
    const result = await settle(generateText({ model: wrap(model), prompt: 'hi' }));
    expect(calls.length).toBe(1);
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toBe('missing messages');
    expect(error.exhaustedReason).toBe('not_retryable');
  });

  it('honours Retry-After seconds exactly instead of the backoff', async () => {
    const { model, calls } = scriptedModel([httpError(429, { 'retry-after': '5' }), 'ok']);
    const promise = generateText({ model: wrap(model), prompt: 'hi' });
    await vi.advanceTimersByTimeAsync(4999);
    expect(calls.length).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.length).toBe(2);
    expect((await promise).text).toBe('ok');
  });

  it('honours retry-after-ms and HTTP-date Retry-After', async () => {
    const date = new Date(Date.now() + 3000).toUTCString();
    const { model, calls } = scriptedModel([
      httpError(429, { 'retry-after-ms': '250' }),
      httpError(503, { 'retry-after': date }),
      'ok',
    ]);
    await settle(generateText({ model: wrap(model), prompt: 'hi' }));
    expect(calls[1]! - calls[0]!).toBe(250);
    // The date was computed at t0; the second attempt came 250 ms later.
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(2000);
    expect(calls[2]! - calls[1]!).toBeLessThanOrEqual(3000);
  });

  it('gives up at once when Retry-After exceeds maxRetryAfterMs', async () => {
    const { model, calls } = scriptedModel([httpError(429, { 'retry-after': '600' }), 'ok']);
    const result = await settle(
      generateText({ model: wrap(model, { maxRetryAfterMs: 60_000 }), prompt: 'hi' }),
      1000,
    );
    expect(calls.length).toBe(1);
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.exhaustedReason).toBe('retry_after_too_long');
    expect(error.retryAfterMs).toBe(600_000);
    expect(error.message).toContain('maxRetryAfterMs');
  });

  it('waits out a Retry-After exactly at maxRetryAfterMs (a plain Retry-After: 60 under the default)', async () => {
    const { model, calls } = scriptedModel([httpError(429, { 'retry-after': '60' }), 'ok']);
    const result = await settle(generateText({ model: wrap(model), prompt: 'hi' }));
    expect(result.status).toBe('fulfilled');
    expect(calls.length).toBe(2);
    expect(calls[1]! - calls[0]!).toBe(60_000);
  });

  it('gives up on a Retry-After one millisecond over maxRetryAfterMs', async () => {
    const { model, calls } = scriptedModel([httpError(429, { 'retry-after-ms': '60001' }), 'ok']);
    const result = await settle(generateText({ model: wrap(model), prompt: 'hi' }));
    expect(calls.length).toBe(1);
    expect((result as PromiseRejectedResult).reason).toMatchObject({
      exhaustedReason: 'retry_after_too_long',
      retryAfterMs: 60_001,
    });
  });

  it('respectRetryAfter false uses the backoff', async () => {
    const { model, calls } = scriptedModel([httpError(429, { 'retry-after': '600' }), 'ok']);
    await settle(generateText({ model: wrap(model, { respectRetryAfter: false }), prompt: 'hi' }));
    expect(calls[1]! - calls[0]!).toBe(1000);
  });

  it('x-should-retry: false stops, x-should-retry: true retries a 400', async () => {
    const stop = scriptedModel([httpError(503, { 'x-should-retry': 'false' }), 'ok']);
    await settle(generateText({ model: wrap(stop.model), prompt: 'hi' }));
    expect(stop.calls.length).toBe(1);
    const go = scriptedModel([httpError(400, { 'x-should-retry': 'true' }), 'ok']);
    await settle(generateText({ model: wrap(go.model), prompt: 'hi' }));
    expect(go.calls.length).toBe(2);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const { model, calls } = scriptedModel([httpError(500)]);
    await settle(
      generateText({
        model: wrap(model, { maxRetries: 4, initialDelayMs: 1000, maxDelayMs: 1500 }),
        prompt: 'hi',
      }),
    );
    expect(calls.map((t, i) => (i === 0 ? 0 : t - calls[i - 1]!))).toEqual([
      0, 1000, 1500, 1500, 1500,
    ]);
  });

  it('full jitter draws every delay from [0, backoff)', async () => {
    const { model, calls } = scriptedModel([httpError(500)]);
    // Math.random also names the AI SDK's ids, so one value for every draw.
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.25);
    try {
      await settle(generateText({ model: wrap(model, { jitter: 'full' }), prompt: 'hi' }));
    } finally {
      random.mockRestore();
    }
    expect(calls[1]! - calls[0]!).toBe(250); // a quarter of 1000
    expect(calls[2]! - calls[1]!).toBe(500); // a quarter of 2000
  });

  it('deadlineMs: does not start an attempt whose wait runs past the deadline', async () => {
    const { model, calls } = scriptedModel([httpError(503)]);
    const result = await settle(
      generateText({ model: wrap(model, { deadlineMs: 2500 }), prompt: 'hi' }),
    );
    // Attempt 1 at 0, attempt 2 at 1000; the next wait (2000) would end at 3000 > 2500.
    expect(calls.length).toBe(2);
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.exhaustedReason).toBe('deadline');
    expect(error.message).toContain('deadline of 2500 ms');
    expect(error.isRetryable).toBe(false);
  });

  it('deadlineMs past the 32-bit timer limit does not abort a running attempt at once', async () => {
    const { model, calls } = scriptedModel([
      options =>
        new Promise((resolve, reject) => {
          setTimeout(() => resolve(okResult('late but fine')), 100);
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        }),
    ]);
    const result = await settle(
      generateText({ model: wrap(model, { deadlineMs: 2 ** 32 }), prompt: 'hi' }),
      1000,
    );
    expect(calls.length).toBe(1);
    expect(result.status).toBe('fulfilled');
    expect((result as PromiseFulfilledResult<{ text: string }>).value.text).toBe('late but fine');
  });

  it('deadlineMs: aborts an attempt still running at the deadline with a TimeoutError', async () => {
    const { model, calls } = scriptedModel([
      options =>
        new Promise((_resolve, reject) => {
          options.abortSignal?.addEventListener('abort', () => reject(options.abortSignal?.reason));
        }),
    ]);
    const result = await settle(
      generateText({ model: wrap(model, { deadlineMs: 500 }), prompt: 'hi' }),
      1000,
    );
    expect(calls.length).toBe(1);
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.exhaustedReason).toBe('deadline');
    expect(error.message).toContain('Deadline of 500 ms exceeded');
  });

  it('aborting during the backoff rejects at once with the caller reason and sends nothing more', async () => {
    const { model, calls } = scriptedModel([httpError(503)]);
    const controller = new AbortController();
    const promise = Promise.allSettled([
      wrap(model, { initialDelayMs: 10_000 }).doGenerate({
        prompt: [],
        abortSignal: controller.signal,
      }),
    ]);
    await vi.advanceTimersByTimeAsync(100);
    const reason = new DOMException('stop', 'AbortError');
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    const [result] = await promise;
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBe(reason);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.length).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('configuration errors (missing key, invalid argument) are rethrown untouched, not retried, no fallback', async () => {
    for (const thrown of [
      new LoadAPIKeyError({ message: 'API key is missing (MY_API_KEY)' }),
      new InvalidArgumentError({ argument: 'providerOptions', message: 'bad option' }),
    ]) {
      const { model, calls } = scriptedModel([thrown]);
      const fallback = scriptedModel(['fallback'], 'fallback');
      const result = await settle(
        wrap(model, { fallbackModels: [fallback.model] }).doGenerate({ prompt: [] }),
      );
      expect((result as PromiseRejectedResult).reason).toBe(thrown);
      expect(calls.length).toBe(1);
      expect(fallback.calls.length).toBe(0);
    }
  });

  it('the caller abort thrown by the model is rethrown untouched, never retried', async () => {
    const controller = new AbortController();
    const abortError = new DOMException('aborted', 'AbortError');
    const { model, calls } = scriptedModel([
      async () => {
        controller.abort(abortError);
        throw abortError;
      },
    ]);
    const result = await settle(
      wrap(model).doGenerate({ prompt: [], abortSignal: controller.signal }),
    );
    expect(calls.length).toBe(1);
    expect((result as PromiseRejectedResult).reason).toBe(abortError);
  });

  it('a failure that lands as the caller aborts surfaces the caller reason, not a retryable error', async () => {
    // Found by the fault fuzz: a retryable 404 (x-should-retry) arrived just as the caller aborted;
    // it escaped as it was, so the AI SDK's own retry delayed and threw an untyped "Delay was aborted".
    const controller = new AbortController();
    const reason = new DOMException('stop', 'AbortError');
    const { model, calls } = scriptedModel([
      async () => {
        controller.abort(reason);
        throw httpError(404);
      },
    ]);
    const result = await settle(
      wrap(model, { maxRetries: 0 }).doGenerate({ prompt: [], abortSignal: controller.signal }),
    );
    expect(calls.length).toBe(1);
    expect((result as PromiseRejectedResult).reason).toBe(reason);
  });

  it('throwing or rejecting hooks never break the call', async () => {
    const { model } = scriptedModel([
      httpError(502),
      httpError(502),
      httpError(502),
      'from fallback',
    ]);
    const fallback = scriptedModel(['from fallback'], 'fallback');
    const result = await settle(
      generateText({
        model: wrap(model, {
          fallbackModels: [fallback.model],
          onRetry: () => {
            throw new Error('hook bug');
          },
          onFallback: async () => {
            throw new Error('async hook bug');
          },
        }),
        prompt: 'hi',
      }),
    );
    expect(result.status).toBe('fulfilled');
  });

  it('shouldRetry overrides the decision', async () => {
    const { model, calls } = scriptedModel([httpError(503)]);
    await settle(generateText({ model: wrap(model, { shouldRetry: () => false }), prompt: 'hi' }));
    expect(calls.length).toBe(1);
    const again = scriptedModel([httpError(401), 'ok']);
    await settle(
      generateText({
        model: wrap(again.model, { shouldRetry: e => e.kind === 'authentication' || undefined }),
        prompt: 'hi',
      }),
    );
    expect(again.calls.length).toBe(2);
  });

  it('rejects invalid options with InvalidArgumentError', () => {
    expect(() => alayaMiddleware({ maxRetries: -1 })).toThrow(InvalidArgumentError);
    expect(() => alayaMiddleware({ maxRetries: 1.5 })).toThrow(
      /maxRetries must be an integer >= 0/,
    );
    expect(() => alayaMiddleware({ initialDelayMs: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => alayaMiddleware({ jitter: 'half' as 'full' })).toThrow(/jitter/);
  });

  it('redacts the configured key from thrown errors', async () => {
    const key = 'sk-test-key-0123456789';
    const { model } = scriptedModel([httpError(401, {}, `{"error":{"message":"bad key ${key}"}}`)]);
    const result = await settle(
      generateText({ model: wrap(model, { apiKey: key }), prompt: 'hi' }),
    );
    const error = (result as PromiseRejectedResult).reason as AlayaError;
    expect(error.message).toBe('bad key [REDACTED]');
    expect(JSON.stringify(error)).not.toContain(key);
  });
});

describe('alayaMiddleware: fallback', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('502 retries exhausted, then the next model answers and metadata says which', async () => {
    const primary = scriptedModel([httpError(502)], 'primary');
    const b = scriptedModel([httpError(503)], 'model-b');
    const c = scriptedModel(['from c'], 'model-c');
    const onFallback = vi.fn();
    const result = await settle(
      generateText({
        model: wrap(primary.model, {
          maxRetries: 1,
          fallbackModels: [b.model, c.model],
          onFallback,
        }),
        prompt: 'hi',
      }),
    );
    const value = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof generateText>>>)
      .value;
    expect(value.text).toBe('from c');
    expect([primary.calls.length, b.calls.length, c.calls.length]).toEqual([2, 2, 1]);
    expect(value.providerMetadata?.[ALAYA_METADATA_KEY]).toEqual({
      provider: 'mock.chat',
      modelId: 'model-c',
      fallbackIndex: 2,
      attempts: 5,
    });
    expect(
      onFallback.mock.calls.map(([e]) => [e.from.modelId, e.to.modelId, e.error.kind]),
    ).toEqual([
      ['primary', 'model-b', 'bad_gateway'],
      ['model-b', 'model-c', 'service_unavailable'],
    ]);
  });

  it('shouldRetry false for a 502 switches to the fallback model at the first failure', async () => {
    const primary = scriptedModel([httpError(502), 'never'], 'primary');
    const b = scriptedModel(['from b'], 'model-b');
    const onRetry = vi.fn();
    const result = await settle(
      generateText({
        model: wrap(primary.model, {
          fallbackModels: [b.model],
          shouldRetry: e => (e.kind === 'bad_gateway' ? false : undefined),
          onRetry,
        }),
        prompt: 'hi',
      }),
    );
    const value = (result as PromiseFulfilledResult<Awaited<ReturnType<typeof generateText>>>)
      .value;
    expect(value.text).toBe('from b');
    expect([primary.calls.length, b.calls.length]).toEqual([1, 1]);
    expect(onRetry).not.toHaveBeenCalled();
  });

  it('4xx other than 408/409/429 do not fall back unless fallbackOn says so', async () => {
    const primary = scriptedModel([httpError(403)]);
    const b = scriptedModel(['b'], 'model-b');
    const result = await settle(
      generateText({ model: wrap(primary.model, { fallbackModels: [b.model] }), prompt: 'hi' }),
    );
    expect(result.status).toBe('rejected');
    expect(b.calls.length).toBe(0);

    const primary2 = scriptedModel([httpError(403)]);
    const result2 = await settle(
      generateText({
        model: wrap(primary2.model, {
          fallbackModels: [b.model],
          fallbackOn: e => e.kind === 'permission_denied',
        }),
        prompt: 'hi',
      }),
    );
    expect(result2.status).toBe('fulfilled');
    expect(primary2.calls.length).toBe(1);
    expect(b.calls.length).toBe(1);
  });

  it('when every model fails, the last typed error carries the whole history', async () => {
    const primary = scriptedModel([httpError(502)]);
    const b = scriptedModel([httpError(500)], 'model-b');
    const result = await settle(
      generateText({
        model: wrap(primary.model, { maxRetries: 1, fallbackModels: [b.model] }),
        prompt: 'hi',
      }),
    );
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.isRetryable).toBe(false);
    expect(
      error.attempts.map(
        (a: { modelId: string; statusCode: number }) => `${a.modelId}:${a.statusCode}`,
      ),
    ).toEqual(['primary:502', 'primary:502', 'model-b:500', 'model-b:500']);
  });
});

describe('alayaMiddleware: attempt guard', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function recordingGuard(overrides: Partial<AttemptGuard> = {}) {
    const events: string[] = [];
    const guard: AttemptGuard = {
      beforeAttempt: async info => {
        events.push(`before ${info.modelId}#${info.attempt}`);
      },
      allowRetry: info => {
        events.push(`allow ${info.modelId}#${info.attempt} ${info.error.kind}`);
        return true;
      },
      onSuccess: info => {
        events.push(`success ${info.modelId}#${info.attempt}`);
      },
      onFailure: info => {
        events.push(`failure ${info.modelId}#${info.attempt} ${info.error.kind}`);
      },
      ...overrides,
    };
    return { guard, events };
  }

  it('is called around every attempt', async () => {
    const { model } = scriptedModel([httpError(503), 'ok']);
    const { guard, events } = recordingGuard();
    await settle(generateText({ model: wrap(model, { guard }), prompt: 'hi' }));
    expect(events).toEqual([
      'before primary#1',
      'failure primary#1 service_unavailable',
      'allow primary#1 service_unavailable',
      'before primary#2',
      'success primary#2',
    ]);
  });

  it('a typed error from beforeAttempt moves on to the fallback model without calling the blocked one', async () => {
    const primary = scriptedModel(['never']);
    const b = scriptedModel(['b'], 'model-b');
    const { guard } = recordingGuard({
      beforeAttempt: async info => {
        if (info.modelId === 'primary')
          throw new ServiceUnavailableError({ message: 'circuit open' });
      },
    });
    const result = await settle(
      generateText({
        model: wrap(primary.model, { guard, fallbackModels: [b.model] }),
        prompt: 'hi',
      }),
    );
    expect(result.status).toBe('fulfilled');
    expect(primary.calls.length).toBe(0);
    expect(b.calls.length).toBe(1);
  });

  it('non-typed guard exceptions are ignored', async () => {
    const { model, calls } = scriptedModel([httpError(503), 'ok']);
    const boom = () => {
      throw new Error('redis down');
    };
    const guard: AttemptGuard = {
      beforeAttempt: async () => boom(),
      allowRetry: boom,
      onSuccess: boom,
      onFailure: boom,
    };
    const result = await settle(generateText({ model: wrap(model, { guard }), prompt: 'hi' }));
    expect(result.status).toBe('fulfilled');
    expect(calls.length).toBe(2);
  });

  it('allowRetry false throws at once (retry budget)', async () => {
    const { model, calls } = scriptedModel([httpError(503), 'ok']);
    const { guard } = recordingGuard({ allowRetry: () => false });
    const result = await settle(generateText({ model: wrap(model, { guard }), prompt: 'hi' }));
    expect(calls.length).toBe(1);
    expect((result as PromiseRejectedResult).reason.exhaustedReason).toBe('retry_budget');
  });
});

// ---------------------------------------------------------------- streams

const preamble: LanguageModelV4StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'response-metadata', id: 'r1', modelId: 'm' },
];
const content: LanguageModelV4StreamPart[] = [
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hel' },
  { type: 'text-delta', id: 't', delta: 'lo' },
  { type: 'text-end', id: 't' },
  { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage },
];

/** A stream that emits `parts` and then, optionally, errors. */
function partsStream(
  parts: LanguageModelV4StreamPart[],
  errorAtEnd?: unknown,
): ReadableStream<LanguageModelV4StreamPart> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (index < parts.length) controller.enqueue(parts[index++]!);
      else if (errorAtEnd !== undefined) controller.error(errorAtEnd);
      else controller.close();
    },
  });
}

type StreamStep = Error | ReadableStream<LanguageModelV4StreamPart>;

function scriptedStreamModel(steps: Array<() => StreamStep>, modelId = 'primary') {
  let calls = 0;
  const model = new MockLanguageModelV4({
    provider: 'mock.chat',
    modelId,
    doStream: async () => {
      const step = steps[Math.min(calls, steps.length - 1)]!();
      calls++;
      if (step instanceof Error) throw step;
      return { stream: step };
    },
  });
  return { model, calls: () => calls };
}

const reset = () =>
  new TypeError('terminated', {
    cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  });

describe('alayaMiddleware: streams', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  async function readAll(model: ReturnType<typeof wrap>) {
    const promise = model
      .doStream({ prompt: [] })
      .then(r => convertReadableStreamToArray(r.stream));
    return (await settle(promise)) as PromiseSettledResult<LanguageModelV4StreamPart[]>;
  }

  it('a failed stream start is retried', async () => {
    const { model, calls } = scriptedStreamModel([
      () => httpError(503),
      () => convertArrayToReadableStream([...preamble, ...content]),
    ]);
    const result = await readAll(wrap(model));
    expect(calls()).toBe(2);
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    expect(parts.map(p => p.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
    const finish = parts.at(-1) as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;
    expect(finish.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({
      modelId: 'primary',
      attempts: 2,
    });
  });

  it('a reset and an error part before content are retried invisibly: one stream-start, no duplicates', async () => {
    const { model, calls } = scriptedStreamModel([
      () => partsStream(preamble, reset()),
      () =>
        partsStream([
          ...preamble,
          { type: 'error', error: { message: 'overloaded', type: 'server_error', code: null } },
          ...content,
        ]),
      () => partsStream([...preamble, ...content]),
    ]);
    const result = await readAll(wrap(model));
    expect(calls()).toBe(3);
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    expect(parts.filter(p => p.type === 'stream-start')).toHaveLength(1);
    expect(
      parts
        .filter(p => p.type === 'text-delta')
        .map(p => (p as { delta: string }).delta)
        .join(''),
    ).toBe('Hello');
    expect(parts.some(p => p.type === 'error')).toBe(false);
  });

  it('an error part after content is surfaced typed (the open text block ended first), ends the stream, and is not retried', async () => {
    const { model, calls } = scriptedStreamModel([
      () =>
        partsStream([
          ...preamble,
          ...content.slice(0, 2),
          { type: 'error', error: { message: 'upstream died', type: 'server_error', code: null } },
          { type: 'text-delta', id: 't', delta: 'after error' },
          { type: 'finish', finishReason: { unified: 'error', raw: undefined }, usage },
        ]),
    ]);
    const result = await readAll(wrap(model));
    expect(calls()).toBe(1);
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    expect(parts.map(p => p.type)).toEqual([
      'stream-start',
      'response-metadata',
      'text-start',
      'text-delta',
      'text-end',
      'error',
    ]);
    const error = (parts.at(-1) as { error: unknown }).error;
    expect(InternalServerError.isInstance(error)).toBe(true);
    expect((error as AlayaError).message).toBe('upstream died');
  });

  it('a reset after content is surfaced as a typed ConnectionError part', async () => {
    const { model, calls } = scriptedStreamModel([
      () => partsStream([...preamble, ...content.slice(0, 3)], reset()),
    ]);
    const result = await readAll(wrap(model));
    expect(calls()).toBe(1);
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    const last = parts.at(-1) as { type: string; error: unknown };
    expect(last.type).toBe('error');
    expect(ConnectionError.isInstance(last.error)).toBe(true);
  });

  it('stream failures before content fall back to the next model', async () => {
    const primary = scriptedStreamModel([() => httpError(502)]);
    const b = scriptedStreamModel([() => partsStream([...preamble, ...content])], 'model-b');
    const result = await readAll(wrap(primary.model, { maxRetries: 1, fallbackModels: [b.model] }));
    expect([primary.calls(), b.calls()]).toEqual([2, 1]);
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    const finish = parts.at(-1) as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;
    expect(finish.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({
      modelId: 'model-b',
      fallbackIndex: 1,
    });
  });

  it('exhausted stream starts throw the typed error; streamText makes no extra attempts', async () => {
    const { model, calls } = scriptedStreamModel([() => partsStream(preamble, reset())]);
    const errors: unknown[] = [];
    const result = streamText({
      model: wrap(model),
      prompt: 'hi',
      onError: ({ error }) => void errors.push(error),
    });
    const consumed = Promise.allSettled([result.consumeStream()]);
    await vi.advanceTimersByTimeAsync(120_000);
    await consumed;
    expect(calls()).toBe(3);
    expect(errors).toHaveLength(1);
    expect(ConnectionError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as AlayaError).isRetryable).toBe(false);
  });

  it('streamText sees the text once after invisible retries', async () => {
    const { model } = scriptedStreamModel([
      () => partsStream(preamble, reset()),
      () => partsStream([...preamble, ...content]),
    ]);
    const result = streamText({ model: wrap(model), prompt: 'hi' });
    const text = Promise.allSettled([result.text]);
    await vi.advanceTimersByTimeAsync(10_000);
    const [settled] = await text;
    expect(settled).toEqual({ status: 'fulfilled', value: 'Hello' });
  });

  it('deadlineMs stops applying once content flows: a long stream is not cut', async () => {
    let signal: AbortSignal | undefined;
    const model = new MockLanguageModelV4({
      provider: 'mock.chat',
      modelId: 'slow',
      doStream: async options => {
        signal = options.abortSignal;
        let step = 0;
        return {
          stream: new ReadableStream<LanguageModelV4StreamPart>({
            async pull(controller) {
              const parts = [...preamble, ...content];
              if (step === 5) await new Promise(resolve => setTimeout(resolve, 5000));
              if (step < parts.length) controller.enqueue(parts[step++]!);
              else controller.close();
            },
          }),
        };
      },
    });
    const result = await readAll(wrap(model, { deadlineMs: 1000 }));
    const parts = (result as PromiseFulfilledResult<LanguageModelV4StreamPart[]>).value;
    expect(parts.map(p => p.type).at(-1)).toBe('finish');
    expect(signal?.aborted).toBe(false);
  });
});
