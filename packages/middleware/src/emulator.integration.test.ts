import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ALAYA_METADATA_KEY,
  type AlayaMiddlewareOptions,
  alayaMiddleware,
} from './alaya-middleware';
import { AlayaError } from './errors/alaya-error';
import { ConnectionError } from './errors/network-errors';
import {
  BadGatewayError,
  InsufficientQuotaError,
  InternalServerError,
  RateLimitError,
  ServiceUnavailableError,
} from './errors/status-errors';
import { rejection } from './test-support/rejection';

/**
 * Real HTTP against the Alaya emulator through @ai-sdk/openai-compatible. Request counts and times
 * come from the emulator's own request log.
 */
let emulator: Emulator;
const API_KEY = 'test-key-integration-0001';

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
});

function provider() {
  return createOpenAICompatible({
    name: 'alaya',
    baseURL: emulator.url,
    apiKey: API_KEY,
    includeUsage: true,
  });
}

function model(options: AlayaMiddlewareOptions = {}, modelId = 'glm-5.2') {
  return wrapLanguageModel({
    model: provider().chatModel(modelId),
    middleware: alayaMiddleware({ initialDelayMs: 20, apiKey: API_KEY, ...options }),
  });
}

const chatRequests = () => emulator.requests.filter(r => r.path === '/v1/chat/completions');

describe('generate over HTTP', () => {
  it('a 429 with Retry-After: 1 is retried no earlier than 1 s later (emulator log)', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '1' });
    const { text } = await generateText({ model: model(), prompt: 'Hi' });
    expect(text).toContain('Hello');
    const [first, second] = chatRequests();
    expect(chatRequests().map(r => r.status)).toEqual([429, 200]);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(1000);
  });

  it('502 twice, then the fallback model answers', async () => {
    emulator.enqueueFaults({ status: 502, body: 'html', match: { model: 'glm-5.2' }, times: 10 });
    const fallback = provider().chatModel('glm-5.1');
    const result = await generateText({
      model: model({ maxRetries: 1, fallbackModels: [fallback] }),
      prompt: 'Hi',
    });
    expect(chatRequests().map(r => `${r.model}:${r.status}`)).toEqual([
      'glm-5.2:502',
      'glm-5.2:502',
      'glm-5.1:200',
    ]);
    expect(result.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({
      modelId: 'glm-5.1',
      fallbackIndex: 1,
    });
    expect(result.response.modelId).toBe('glm-5.1');
  });

  it.each([2, 0, 4])(
    'a persistent 503 with generateText default maxRetries reaches the emulator exactly maxRetries + 1 times (maxRetries %i)',
    async maxRetries => {
      emulator.enqueueFaults({ status: 503, times: 100 });
      const error = await rejection(generateText({ model: model({ maxRetries }), prompt: 'Hi' }));
      expect(chatRequests()).toHaveLength(maxRetries + 1);
      expect(ServiceUnavailableError.isInstance(error)).toBe(true);
      expect(error.isRetryable).toBe(false);
      expect(error.attempts).toHaveLength(maxRetries + 1);
      expect(error.attempts?.every(a => a.statusCode === 503)).toBe(true);
      expect(error.requestId).toBe(chatRequests().at(-1)!.id);
    },
  );

  it.each([
    [
      { status: 502, body: 'html' as const },
      BadGatewayError,
      /^502 Bad Gateway: HTML response: "[^<>]*"$/,
    ],
    [
      { status: 500, body: 'truncated-json' as const },
      InternalServerError,
      /^500 Internal Server Error: truncated or invalid JSON: /,
    ],
    [
      { status: 503, body: 'empty' as const },
      ServiceUnavailableError,
      /^503 Service Unavailable: empty response body$/,
    ],
    [
      { status: 503, body: 'text' as const },
      ServiceUnavailableError,
      /^503 Service Unavailable: plain text response: "/,
    ],
  ])(
    'error body %o maps to the right class with a readable message',
    async (fault, Class, message) => {
      emulator.enqueueFaults(fault);
      const error = await rejection(
        generateText({ model: model({ maxRetries: 0 }), prompt: 'Hi' }),
      );
      expect(Class.isInstance(error)).toBe(true);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('[object Object]');
    },
  );

  it('a 429 insufficient_quota is not retried', async () => {
    emulator.enqueueFaults({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
      times: 5,
    });
    const error = await rejection(generateText({ model: model(), prompt: 'Hi' }));
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect(chatRequests()).toHaveLength(1);
  });

  it('the Alaya envelope fills message, type and code; the key never appears', async () => {
    emulator.enqueueFaults({
      status: 429,
      message: `Rate limit for ${API_KEY}`,
      retryAfter: '999',
    });
    const error = await rejection(generateText({ model: model(), prompt: 'Hi' }));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.message.startsWith('Rate limit for [REDACTED]')).toBe(true);
    expect(error.type).toBe('rate_limit_error');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.exhaustedReason).toBe('retry_after_too_long');
    expect(chatRequests()).toHaveLength(1);
    const serialized = JSON.stringify([
      error,
      error.toJSON(),
      error.requestBodyValues,
      error.responseHeaders,
      String(error.cause),
    ]);
    expect(serialized).not.toContain(API_KEY);
  });

  it('a connection reset before headers is a ConnectionError and is retried', async () => {
    emulator.enqueueFaults({ reset: 'before-headers' });
    const { text } = await generateText({ model: model(), prompt: 'Hi' });
    expect(text).toContain('Hello');
    expect(chatRequests().map(r => r.outcome)).toEqual(['reset', 'completed']);
  });

  it('a refused connection is a ConnectionError', async () => {
    const closed = await startEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    const refused = wrapLanguageModel({
      model: createOpenAICompatible({ name: 'alaya', baseURL: url, apiKey: API_KEY }).chatModel(
        'glm-5.2',
      ),
      middleware: alayaMiddleware({ maxRetries: 1, initialDelayMs: 10 }),
    });
    const error = await rejection(generateText({ model: refused, prompt: 'Hi' }));
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(error.attempts).toHaveLength(2);
  });

  it('aborting during a Retry-After wait rejects at once and sends nothing more', async () => {
    emulator.enqueueFaults({ status: 503, retryAfter: '30', times: 5 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const error = await rejection(
      generateText({ model: model(), prompt: 'Hi', abortSignal: controller.signal }),
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).name).toBe('AbortError');
    expect(AlayaError.isInstance(error)).toBe(false);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(chatRequests()).toHaveLength(1);
  });
});

describe('streams over HTTP', () => {
  async function collect(options: AlayaMiddlewareOptions = {}) {
    const result = await model(options).doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    const parts: LanguageModelV4StreamPart[] = [];
    const reader = result.stream.getReader();
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      parts.push(next.value);
    }
    return parts;
  }
  const text = (parts: LanguageModelV4StreamPart[]) =>
    parts.flatMap(p => (p.type === 'text-delta' ? [p.delta] : [])).join('');

  it.each([
    ['a reset before headers', { reset: 'before-headers' as const }],
    ['a reset after the role event only', { reset: 'mid-stream' as const, afterChunks: 1 }],
    ['an SSE error event before content', { streamError: true, afterChunks: 1 }],
    ['a 503 status', { status: 503 }],
  ])('%s is retried invisibly: one stream-start, no duplicated parts', async (_name, fault) => {
    const clean = await collect();
    emulator.reset();
    emulator.enqueueFaults(fault);
    const parts = await collect();
    expect(chatRequests()).toHaveLength(2);
    expect(parts.filter(p => p.type === 'stream-start')).toHaveLength(1);
    expect(parts.some(p => p.type === 'error')).toBe(false);
    expect(text(parts)).toBe(text(clean));
    expect(text(parts).length).toBeGreaterThan(0);
    expect(parts.map(p => p.type)).toEqual(clean.map(p => p.type));
  });

  it('a mid-stream reset after content surfaces a typed ConnectionError and is not retried', async () => {
    emulator.enqueueFaults({ reset: 'mid-stream', afterChunks: 6 });
    const parts = await collect();
    expect(chatRequests()).toHaveLength(1);
    expect(parts.some(p => p.type === 'reasoning-delta' || p.type === 'text-delta')).toBe(true);
    const last = parts.at(-1)!;
    expect(last.type).toBe('error');
    expect(ConnectionError.isInstance((last as { error: unknown }).error)).toBe(true);
  });

  it('an SSE error event after content ends the stream with the typed error', async () => {
    emulator.enqueueFaults({
      streamError: { message: 'upstream went away', type: 'upstream_error', code: 'bad_gateway' },
      afterChunks: 6,
    });
    const parts = await collect();
    expect(chatRequests()).toHaveLength(1);
    const last = parts.at(-1)! as { type: string; error: AlayaError };
    expect(last.type).toBe('error');
    expect(AlayaError.isInstance(last.error)).toBe(true);
    expect(last.error.message).toBe('upstream went away');
    expect(last.error.code).toBe('bad_gateway');
    expect(last.error.requestId).toBe(chatRequests()[0]!.id);
    expect(parts.filter(p => p.type === 'error')).toHaveLength(1);
    expect(parts.some(p => p.type === 'finish')).toBe(false);
  });

  it.each([
    ['service_unavailable', 'service_unavailable', 'ServiceUnavailableError', true],
    ['upstream_error', 'bad_gateway', 'BadGatewayError', true],
    ['permission_denied', 'model_not_in_plan', 'PermissionDeniedError', false],
    ['invalid_request_error', 'not_found', 'NotFoundError', false],
    ['rate_limit_error', 'rate_limit_exceeded', 'RateLimitError', true],
    ['invalid_request_error', 'invalid_api_key', 'AuthenticationError', false],
  ])(
    'an SSE error event after content with type %s / code %s is a %s (retryable before content: %s)',
    async (type, code, className, retryable) => {
      emulator.enqueueFaults({
        streamError: { message: 'stream failed', type, code },
        afterChunks: 6,
      });
      const parts = await collect();
      const last = parts.at(-1)! as { type: string; error: AlayaError };
      expect(last.type).toBe('error');
      expect(last.error.name).toBe(`AI_${className}`);
      expect(last.error.type).toBe(type);
      expect(last.error.code).toBe(code);
      // Before content the same part is retried only when its class is retryable.
      emulator.reset();
      emulator.enqueueFaults({
        streamError: { message: 'stream failed', type, code },
        afterChunks: 1,
      });
      // The stream resolves at once: giving up arrives as its one `error` part.
      const outcome = await collect({ maxRetries: 1 });
      expect(chatRequests()).toHaveLength(retryable ? 2 : 1);
      const failure = outcome.at(-1) as { type: string; error: AlayaError };
      if (!retryable)
        expect([failure.type, failure.error.name]).toEqual(['error', `AI_${className}`]);
    },
  );

  it('a 200 whose body is no event stream (the stream ends without a finish reason) is retried before content', async () => {
    const clean = await collect();
    emulator.reset();
    emulator.enqueueFaults({ nonJson200: true });
    const parts = await collect();
    expect(chatRequests().map(r => r.status)).toEqual([200, 200]);
    expect(parts.some(p => p.type === 'error')).toBe(false);
    expect(text(parts)).toBe(text(clean));
  });

  it('streamText: aborting during a Retry-After wait ends the call at once with the caller abort, nothing more sent', async () => {
    emulator.enqueueFaults({ status: 503, retryAfter: '30', times: 5 });
    const controller = new AbortController();
    const errors: unknown[] = [];
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const result = streamText({
      model: model(),
      prompt: 'Hi',
      abortSignal: controller.signal,
      onError: ({ error }) => void errors.push(error),
    });
    const error = await rejection(result.text);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as Error).name).toBe('AbortError');
    expect(errors.some(e => AlayaError.isInstance(e))).toBe(false);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(chatRequests()).toHaveLength(1);
  });

  it('streamText: a persistent 503 reaches the emulator maxRetries + 1 times and onError gets the typed error', async () => {
    emulator.enqueueFaults({ status: 503, times: 100 });
    const errors: unknown[] = [];
    const result = streamText({
      model: model(),
      prompt: 'Hi',
      onError: ({ error }) => void errors.push(error),
    });
    await result.consumeStream();
    expect(chatRequests()).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(ServiceUnavailableError.isInstance(errors[0])).toBe(true);
  });

  it('streamText: fallback before first content; the text comes from the fallback model', async () => {
    emulator.enqueueFaults({ status: 502, match: { model: 'glm-5.2' }, times: 10 });
    const result = streamText({
      model: model({ maxRetries: 1, fallbackModels: [provider().chatModel('glm-5.1')] }),
      prompt: 'Hi',
    });
    expect(await result.text).toContain('Hello');
    expect(chatRequests().map(r => `${r.model}:${r.status}`)).toEqual([
      'glm-5.2:502',
      'glm-5.2:502',
      'glm-5.1:200',
    ]);
    expect((await result.providerMetadata)?.[ALAYA_METADATA_KEY]).toMatchObject({
      modelId: 'glm-5.1',
    });
  });

  it('streamText streamRetries composes: one whole-call retry after a mid-stream error, no multiplied attempts', async () => {
    emulator.enqueueFaults({ streamError: { message: 'mid-stream failure' }, afterChunks: 6 });
    const errors: unknown[] = [];
    const result = streamText({
      model: model(),
      prompt: 'Hi',
      streamRetries: 1,
      onError: ({ error }) => void errors.push(error),
    });
    const text = await result.text;
    expect(chatRequests().map(r => r.status)).toEqual([200, 200]);
    expect(text).toContain('Hello');
    // streamText reports the mid-stream error to onError before it retries; it is typed.
    expect(errors).toHaveLength(1);
    expect(InternalServerError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as AlayaError).message).toBe('mid-stream failure');
  });
});
