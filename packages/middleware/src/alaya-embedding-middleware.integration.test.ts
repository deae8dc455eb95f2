import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4 } from '@ai-sdk/provider';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { embed, embedMany, generateText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alayaEmbeddingMiddleware } from './alaya-embedding-middleware';
import { alayaMiddleware } from './alaya-middleware';
import { ALAYA_METADATA_KEY } from './answer-metadata';
import type { AttemptGuard, AttemptSuccessInfo } from './attempt-guard';
import type { AlayaError } from './errors/alaya-error';
import { DimensionMismatchError } from './errors/dimension-mismatch-error';
import { ConnectionError, TimeoutError } from './errors/network-errors';
import {
  AuthenticationError,
  BadRequestError,
  InsufficientQuotaError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
} from './errors/status-errors';
import { createFleetGuard } from './fleet/fleet-guard';
import type { AlayaEmbeddingMiddlewareOptions } from './options/alaya-middleware-options';
import { rejection } from './test-support/rejection';
import { recorder } from './test-support/telemetry-recorder';

/**
 * `embed` and `embedMany` through `alayaEmbeddingMiddleware` over real HTTP to the emulator's
 * `POST /v1/embeddings` (@ai-sdk/openai-compatible). Counts and times come from the emulator's log.
 */
let emulator: Emulator;
const API_KEY = 'sk-embed-integration-0001-secret';
const PRIMARY = 'embed-primary';
const DIMENSIONS = 64;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY],
    embeddingDimensions: DIMENSIONS,
    models: [PRIMARY, 'embed-same', 'embed-other', 'embed-32', 'glm-5.2'],
  });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => {
  emulator.reset();
});

const provider = () =>
  createOpenAICompatible({ name: 'alaya', baseURL: emulator.url, apiKey: API_KEY });

/** An embedding model of the emulator whose vectors have `dimensions` (its own default: 64). */
function rawModel(modelId = PRIMARY, dimensions?: number): EmbeddingModelV4 {
  const inner = provider().embeddingModel(modelId);
  if (dimensions === undefined) return inner;
  // The emulator answers with the length a request asks for: this model always asks for `dimensions`.
  return wrapEmbeddingModel({
    model: inner,
    middleware: {
      specificationVersion: 'v4',
      transformParams: async ({ params }) => ({ ...params, dimensions }),
    },
  });
}

function model(options: AlayaEmbeddingMiddlewareOptions = {}, inner = rawModel()) {
  return wrapEmbeddingModel({
    model: inner,
    middleware: alayaEmbeddingMiddleware({
      initialDelayMs: 10,
      jitter: 'none',
      apiKey: API_KEY,
      ...options,
    }),
  });
}

const embeddingRequests = () => emulator.requests.filter(r => r.path === '/v1/embeddings');

/** The API key in no field of the error, its JSON or its message. */
function expectNoKey(error: unknown): void {
  expect(String((error as Error).message)).not.toContain(API_KEY);
  expect(JSON.stringify(error)).not.toContain(API_KEY);
  expect(JSON.stringify((error as AlayaError).toJSON?.() ?? {})).not.toContain(API_KEY);
}

describe('embed over HTTP: a typed error per status, the key in none', () => {
  const cases: [number, new (...args: never[]) => AlayaError, number][] = [
    [400, BadRequestError, 1],
    [401, AuthenticationError, 1],
    [402, InsufficientQuotaError, 1],
    [403, PermissionDeniedError, 1],
    [404, NotFoundError, 1],
    [500, InternalServerError, 3],
    [503, ServiceUnavailableError, 3],
  ];
  it.each(cases)('status %i: %o, after %i request(s)', async (status, Class, requests) => {
    emulator.enqueueFaults({ status, times: 5, match: { path: '/v1/embeddings' } });
    const error = await rejection(embed({ model: model(), value: 'alpha' }));
    expect(error).toBeInstanceOf(Class);
    expect(error.statusCode).toBe(status);
    expect(error.isRetryable).toBe(false);
    expect(error.attempts).toHaveLength(requests);
    expect(embeddingRequests()).toHaveLength(requests);
    expectNoKey(error);
  });

  it('an HTML error page (502 from a proxy) is typed and retried, then answers', async () => {
    emulator.enqueueFaults({ status: 502, body: 'html', match: { path: '/v1/embeddings' } });
    const { embedding } = await embed({ model: model(), value: 'alpha' });
    expect(embedding).toHaveLength(DIMENSIONS);
    expect(embeddingRequests().map(r => r.status)).toEqual([502, 200]);
  });

  it('a dropped connection is a ConnectionError, retried', async () => {
    emulator.enqueueFaults({
      reset: 'before-headers',
      times: 5,
      match: { path: '/v1/embeddings' },
    });
    const error = await rejection(embed({ model: model({ maxRetries: 1 }), value: 'alpha' }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.attempts).toHaveLength(2);
    expectNoKey(error);
  });
});

describe('embed over HTTP: retry, Retry-After, deadline, abort', () => {
  it("telemetry sees each doEmbed as an 'embed' attempt, the fallback's too, with its index", async () => {
    emulator.enqueueFaults({ status: 503, times: 10, match: { model: PRIMARY } });
    const telemetry = recorder();
    await embed({
      model: model({
        maxRetries: 1,
        dimensions: DIMENSIONS,
        telemetry,
        fallbackModels: [rawModel('embed-same')],
      }),
      value: 'alpha',
    });
    expect(telemetry.starts).toEqual([
      {
        provider: 'alaya.embedding',
        modelId: PRIMARY,
        attempt: 1,
        fallbackIndex: 0,
        operation: 'embed',
      },
      {
        provider: 'alaya.embedding',
        modelId: PRIMARY,
        attempt: 2,
        fallbackIndex: 0,
        operation: 'embed',
      },
      {
        provider: 'alaya.embedding',
        modelId: 'embed-same',
        attempt: 1,
        fallbackIndex: 1,
        operation: 'embed',
      },
    ]);
  });

  it('a 429 with Retry-After: 1 is retried no earlier than 1 s later (emulator log)', async () => {
    emulator.enqueueFaults({ status: 429, retryAfter: '1', match: { path: '/v1/embeddings' } });
    const result = await embed({ model: model(), value: 'alpha' });
    expect(result.embedding).toHaveLength(DIMENSIONS);
    const [first, second] = embeddingRequests();
    expect(embeddingRequests().map(r => r.status)).toEqual([429, 200]);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(1000);
    expect(result.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({ attempts: 2 });
  });

  it('429s past maxRetries: a RateLimitError with the history, the key in no field', async () => {
    emulator.enqueueFaults({
      status: 429,
      retryAfterMs: 5,
      times: 5,
      match: { path: '/v1/embeddings' },
    });
    const error = await rejection(embed({ model: model({ maxRetries: 1 }), value: 'alpha' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.exhaustedReason).toBe('max_retries');
    expect(error.attempts?.map(a => a.statusCode)).toEqual([429, 429]);
    expectNoKey(error);
  });

  it('deadlineMs cuts a hung embedding call: a TimeoutError with exhaustedReason deadline', async () => {
    emulator.enqueueFaults({
      firstByteDelayMs: 5_000,
      times: 5,
      match: { path: '/v1/embeddings' },
    });
    const startedAt = Date.now();
    const error = await rejection(embed({ model: model({ deadlineMs: 300 }), value: 'alpha' }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.exhaustedReason).toBe('deadline');
    expect(Date.now() - startedAt).toBeLessThan(3_000);
  });

  it("the caller's abort is rethrown as it is, not retried", async () => {
    emulator.enqueueFaults({ firstByteDelayMs: 5_000, match: { path: '/v1/embeddings' } });
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 100);
    const thrown = await rejection(
      embed({ model: model(), value: 'alpha', abortSignal: controller.signal }),
    );
    expect(thrown).toBe(reason);
    expect(embeddingRequests().length).toBeLessThanOrEqual(1);
  });

  it('embedMany: each batch is its own call, a failed batch alone is retried', async () => {
    const inner = rawModel();
    const batched = wrapEmbeddingModel({
      model: inner,
      middleware: { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => 2 },
    });
    emulator.enqueueFaults({ status: 500, match: { path: '/v1/embeddings' } });
    const values = ['a', 'b', 'c', 'd', 'e'];
    const { embeddings } = await embedMany({
      model: model({}, batched),
      values,
      maxParallelCalls: 1,
    });
    expect(embeddings).toHaveLength(5);
    expect(embeddingRequests().map(r => r.status)).toEqual([500, 200, 200, 200]);
  });
});

describe('embed over HTTP: fallback only to a model of the same dimensions', () => {
  it('a fallback of the same length answers once the primary is down', async () => {
    emulator.enqueueFaults({ status: 503, times: 10, match: { model: PRIMARY } });
    const result = await embed({
      model: model({
        maxRetries: 0,
        dimensions: DIMENSIONS,
        fallbackModels: [rawModel('embed-same')],
      }),
      value: 'alpha',
    });
    expect(result.embedding).toHaveLength(DIMENSIONS);
    expect(result.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({
      modelId: 'embed-same',
      fallbackIndex: 1,
    });
  });

  it('a fallback with another length: DimensionMismatchError, no vector returned', async () => {
    emulator.enqueueFaults({ status: 503, times: 10, match: { model: PRIMARY } });
    const error = await rejection(
      embed({
        model: model({
          maxRetries: 0,
          dimensions: DIMENSIONS,
          fallbackModels: [rawModel('embed-other', 32)],
        }),
        value: 'alpha',
      }),
    );
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error.kind).toBe('dimension_mismatch');
    expect(error.message).toContain('32 dimensions, expected 64');
    expect(error.modelId).toBe('embed-other');
    expect(error.attempts?.map(a => a.kind)).toEqual(['service_unavailable', 'dimension_mismatch']);
    // One request to the fallback: a mismatch is not retried (the model would answer the same).
    expect(embeddingRequests().filter(r => r.model === 'embed-other')).toHaveLength(1);
    expectNoKey(error);
  });

  it('learned from the primary: its first answer sets the length a later fallback must have', async () => {
    const middleware = alayaEmbeddingMiddleware({
      maxRetries: 0,
      apiKey: API_KEY,
      fallbackModels: [rawModel('embed-other', 32)],
    });
    const wrapped = wrapEmbeddingModel({ model: rawModel(), middleware });
    await embed({ model: wrapped, value: 'alpha' });
    emulator.enqueueFaults({ status: 503, times: 10, match: { model: PRIMARY } });
    const error = await rejection(embed({ model: wrapped, value: 'beta' }));
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error.message).toContain('32 dimensions, expected 64');
  });

  it('not known yet (no dimensions, the primary never answered): a fallback is refused', async () => {
    emulator.enqueueFaults({ status: 503, times: 10, match: { model: PRIMARY } });
    const error = await rejection(
      embed({
        model: model({ maxRetries: 0, fallbackModels: [rawModel('embed-same')] }),
        value: 'a',
      }),
    );
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error.message).toContain('set dimensions');
  });

  it('the primary with another length than dimensions states: refused, the next model tried', async () => {
    const result = await embed({
      model: model({ dimensions: 32, fallbackModels: [rawModel('embed-32', 32)] }),
      value: 'alpha',
    });
    expect(result.embedding).toHaveLength(32);
    expect(result.providerMetadata?.[ALAYA_METADATA_KEY]).toMatchObject({ modelId: 'embed-32' });
  });
});

describe('embeddings paced with chat through one guard (memory store, real HTTP)', () => {
  /**
   * How long after `since` each request reached the emulator, in order, chat and embeddings
   * together. A paced slot is a lower bound on when its request arrives, however loaded the machine.
   */
  const arrivals = (since: number) =>
    emulator.requests.map(r => r.time - since).sort((a, b) => a - b);

  /** The n-th request (from 0) arrived no earlier than n slots of `spacingMs`. */
  const expectSlots = (arrivals: number[], spacingMs: number) => {
    for (const [i, at] of arrivals.entries()) {
      expect(at, `request ${i}`).toBeGreaterThanOrEqual(i * spacingMs);
    }
  };

  /** Two chat calls and two embedding calls at once, on one guard paced at 120 rpm `per`. */
  async function chatAndEmbeddings(per: 'key' | 'model') {
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { rpm: 120, per } });
    const chat = wrapLanguageModel({
      model: provider().chatModel('glm-5.2'),
      middleware: alayaMiddleware({ guard, apiKey: API_KEY }),
    });
    const embedder = model({ guard });
    expect(chat.provider).toBe('alaya.chat');
    expect(embedder.provider).toBe('alaya.embedding');
    const start = Date.now();
    await Promise.all([
      generateText({ model: chat, prompt: 'Hi' }),
      embed({ model: embedder, value: 'alpha' }),
      generateText({ model: chat, prompt: 'Hi again' }),
      embed({ model: embedder, value: 'beta' }),
    ]);
    expect(emulator.requests.map(r => r.status)).toEqual([200, 200, 200, 200]);
    return { arrivals: arrivals(start), pacing: (await guard.getState()).pacing };
  }

  it("pacing.per 'key': a chat caller and an embedding caller share one bucket (one request per 500 ms)", async () => {
    const { arrivals, pacing } = await chatAndEmbeddings('key');
    // 120 rpm paced at 98 %: a slot every 510 ms, whichever caller takes it.
    expectSlots(arrivals, 500);
    expect(pacing.map(p => p.key)).toEqual([expect.stringMatching(/^pace:alaya:[^:]+$/)]);
  });

  it("pacing.per 'model': chat and embeddings are paced apart (each model's first request goes at once)", async () => {
    const { arrivals, pacing } = await chatAndEmbeddings('model');
    // Two buckets: the second request (the other model's first) did not wait for a slot.
    expect(arrivals[1]).toBeLessThan(500);
    expect(pacing).toHaveLength(2);
  });

  it('embedMany: each batch is admitted on its own with its input tokens, corrected by the usage it reports', async () => {
    const guard = createFleetGuard({ apiKey: API_KEY, pacing: { tpm: 30_000, per: 'key' } });
    const seen: AttemptSuccessInfo[] = [];
    const recording: AttemptGuard = {
      ...guard,
      onSuccess: info => {
        seen.push(info);
        return guard.onSuccess(info);
      },
    };
    const batched = wrapEmbeddingModel({
      model: rawModel(),
      middleware: { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => 2 },
    });
    // 4 batches of 2 values of 500 characters: 250 tokens each, estimated and reported.
    const values = Array.from({ length: 8 }, (_, i) => `${i}`.padEnd(500, '.'));
    const start = Date.now();
    const { embeddings } = await embedMany({ model: model({ guard: recording }, batched), values });
    expect(embeddings).toHaveLength(8);
    expect(seen.map(s => [s.estimatedTokens, s.usedTokens])).toEqual(Array(4).fill([250, 250]));
    // The AI SDK sends the batches in parallel; the guard spaces them by tokens: 30,000 per minute
    // paced at 98 % is 250 tokens per 510 ms.
    expect(emulator.requests).toHaveLength(4);
    expectSlots(arrivals(start), 500);
  });
});
