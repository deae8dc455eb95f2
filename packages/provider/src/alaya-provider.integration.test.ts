/**
 * The provider over real HTTP, through the AI SDK's `generateText`, `streamText`, `embed` and
 * `embedMany`. The shared scenarios run against the emulator (always) and against the real Alaya
 * Code service when `ALAYA_API_KEY` is set (skipped, visibly, otherwise). Fault scenarios need the
 * emulator's fault injection and run against it only.
 */
import { inspect } from 'node:util';
import { InvalidArgumentError, LoadAPIKeyError } from '@ai-sdk/provider';
import {
  AlayaError,
  AuthenticationError,
  alayaMiddleware,
  BadGatewayError,
  BadRequestError,
  ConnectionError,
  InsufficientQuotaError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServiceUnavailableError,
} from '@alaya-code/ai-sdk-middleware';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import {
  embed,
  embedMany,
  generateText,
  NoSuchModelError,
  Output,
  stepCountIs,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
  wrapLanguageModel,
} from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { DEFAULT_ALAYA_BASE_URL } from './alaya-base-url';
import { createAlaya } from './alaya-provider';
import { rejectionOf } from './test-support/rejection-of';
import { VERSION } from './version';

/** Alaya's documented model ids, and one suggested earlier (`glm-5.2`) that stays accepted. */
const MODELS = ['minimax-m2.5', 'minimax-m2.1', 'glm-5', 'glm-5.1', 'deepseek-v4-pro', 'glm-5.2'];

interface Target {
  baseURL: string;
  apiKey: string;
  chatModelId: string;
  reasoningModelId: string;
  embeddingModelId: string;
}

const weatherTools = {
  get_weather: tool({
    description: 'Current weather for a city',
    inputSchema: z.object({ city: z.string() }),
    execute: async ({ city }) => ({ city, temperatureC: 21, sky: 'clear' }),
  }),
} satisfies ToolSet;

const toolPrompt =
  'Use the get_weather tool to get the weather in Paris, then answer in one sentence.';

/** `streamText` logs stream errors unless `onError` is set; these tests read them from the stream. */
const quiet = () => {};

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/**
 * The error `streamText` reports: the `error` part of the full stream (a failed request, an error
 * event), or the error the stream itself fails with (a connection dropped mid-stream).
 */
async function streamError(result: { fullStream: AsyncIterable<TextStreamPart<ToolSet>> }) {
  const parts: TextStreamPart<ToolSet>[] = [];
  try {
    for await (const part of result.fullStream) parts.push(part);
  } catch (error) {
    return error;
  }
  const errorPart = parts.find(part => part.type === 'error');
  expect(errorPart, 'stream has an error part').toBeDefined();
  return (errorPart as { error: unknown }).error;
}

/** Scenarios that run against the emulator and, with `ALAYA_API_KEY`, against the real service. */
function sharedScenarios(target: () => Target, { embeddings }: { embeddings: boolean }) {
  const provider = (settings: Parameters<typeof createAlaya>[0] = {}) =>
    createAlaya({ baseURL: target().baseURL, apiKey: target().apiKey, ...settings });

  it('generateText returns text, a finish reason and usage', async () => {
    const result = await generateText({
      model: provider()(target().chatModelId),
      prompt: 'Say hello in five words.',
      maxRetries: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.modelId).toBeTruthy();
  });

  it('streamText streams text deltas and reports usage', async () => {
    const result = streamText({
      model: provider()(target().chatModelId),
      prompt: 'Write two sentences about resilient HTTP clients.',
      maxRetries: 0,
    });
    const deltas = await collect(result.textStream);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(await result.text);
    expect(await result.finishReason).toBe('stop');
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
  });

  it('generateText runs a tool and continues (multi-step with stopWhen)', async () => {
    const result = await generateText({
      model: provider()(target().chatModelId),
      tools: weatherTools,
      stopWhen: stepCountIs(4),
      prompt: toolPrompt,
      maxRetries: 0,
    });
    const first = result.steps[0]!;
    expect(first.finishReason).toBe('tool-calls');
    expect(first.toolCalls[0]?.toolName).toBe('get_weather');
    expect(first.toolCalls[0]?.input).toMatchObject({ city: expect.any(String) });
    expect(first.toolResults[0]?.output).toMatchObject({ temperatureC: 21 });
    expect(result.steps.length).toBeGreaterThanOrEqual(2);
    expect(result.finishReason).toBe('stop');
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('streamText streams a tool call, runs it and continues', async () => {
    const result = streamText({
      model: provider()(target().chatModelId),
      tools: weatherTools,
      stopWhen: stepCountIs(4),
      prompt: toolPrompt,
      maxRetries: 0,
    });
    const parts = await collect(result.fullStream);
    const types = parts.map(part => part.type);
    expect(types).toContain('tool-input-start');
    expect(types).toContain('tool-input-delta');
    const call = parts.find(part => part.type === 'tool-call');
    expect(call).toMatchObject({ type: 'tool-call', toolName: 'get_weather' });
    const toolResult = parts.find(part => part.type === 'tool-result');
    expect(toolResult).toMatchObject({ output: { temperatureC: 21 } });
    expect(types.indexOf('tool-result')).toBeLessThan(types.lastIndexOf('text-delta'));
    expect((await result.steps).length).toBeGreaterThanOrEqual(2);
    expect((await result.text).length).toBeGreaterThan(0);
  });

  it('generates structured output with Output.object and a zod 4 schema', async () => {
    const schema = z.object({
      city: z.string(),
      temperatureC: z.number(),
      tags: z.array(z.string()),
    });
    const { output } = await generateText({
      model: provider()(target().chatModelId),
      output: Output.object({ schema }),
      prompt: 'Return the weather in Paris as JSON: city, temperatureC and a few tags.',
      maxRetries: 0,
    });
    expect(schema.parse(output)).toEqual(output);
  });

  it('streams structured output with Output.object', async () => {
    const schema = z.object({ title: z.string(), priority: z.number() });
    const result = streamText({
      model: provider()(target().chatModelId),
      output: Output.object({ schema }),
      prompt: 'Return a ticket as JSON with a title and a numeric priority.',
      maxRetries: 0,
    });
    const output = await result.output;
    expect(schema.parse(output)).toEqual(output);
  });

  it('surfaces reasoning_content as reasoning, with reasoning tokens in usage', async () => {
    const result = await generateText({
      model: provider()(target().reasoningModelId),
      prompt: 'What is 17 * 23? Think first.',
      maxRetries: 0,
    });
    expect(result.reasoningText?.length ?? 0).toBeGreaterThan(0);
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);

    const streamed = streamText({
      model: provider()(target().reasoningModelId),
      prompt: 'What is 17 * 23? Think first.',
      maxRetries: 0,
    });
    const parts = await collect(streamed.fullStream);
    const types = parts.map(part => part.type);
    expect(types).toContain('reasoning-delta');
    expect(types.indexOf('reasoning-delta')).toBeLessThan(types.indexOf('text-delta'));
    expect((await streamed.reasoningText)?.length ?? 0).toBeGreaterThan(0);
  });

  it.skipIf(!embeddings)('embed and embedMany return vectors', async () => {
    const model = provider().embeddingModel(target().embeddingModelId);
    const single = await embed({ model, value: 'hello', maxRetries: 0 });
    expect(single.embedding.length).toBeGreaterThan(0);
    expect(single.embedding.every(value => Number.isFinite(value))).toBe(true);

    const many = await embedMany({ model, values: ['a', 'b', 'c'], maxRetries: 0 });
    expect(many.embeddings).toHaveLength(3);
    expect(many.embeddings[0]).toHaveLength(single.embedding.length);
    expect(many.embeddings[0]).not.toEqual(many.embeddings[1]);
  });

  it('listModels returns the typed model list', async () => {
    const models = await provider().listModels();
    expect(models.length).toBeGreaterThan(0);
    expect(models.map(model => model.id)).toContain(target().chatModelId);
    for (const model of models) expect(typeof model.id).toBe('string');
  });

  it('accepts a key with surrounding whitespace and a trailing newline', async () => {
    const result = await generateText({
      model: provider({ apiKey: ` ${target().apiKey}\n` })(target().chatModelId),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('a wrong key is an AuthenticationError that never contains the key', async () => {
    const wrongKey = 'sk-wrong-key-0123456789abcdef';
    const error = await rejectionOf(
      generateText({
        model: provider({ apiKey: wrongKey })(target().chatModelId),
        prompt: 'Hi',
        maxRetries: 0,
      }),
    );
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).statusCode).toBe(401);
    expect(JSON.stringify(error)).not.toContain(wrongKey);
    expect(inspect(error, { depth: 10 })).not.toContain(wrongKey);
    expect(String((error as Error).stack)).not.toContain(wrongKey);
  });

  it('a base URL without /v1 gives a NotFoundError that says to add /v1', async () => {
    const baseURL = target().baseURL.replace(/\/v1\/?$/, '');
    const error = await rejectionOf(
      generateText({
        model: provider({ baseURL })(target().chatModelId),
        prompt: 'Hi',
        maxRetries: 0,
      }),
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
    // Said once: by the server when it says so (the emulator does), otherwise by the provider.
    const message = (error as Error).message;
    expect(message).toMatch(/end with \/v1/);
    expect(message.match(/end with \/v1/g)).toHaveLength(1);
  });

  it('an unknown model id gives a NotFoundError listing the offered models', async () => {
    const error = await rejectionOf(
      generateText({ model: provider()('no-such-model-x'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(target().chatModelId);
    // The id is named once: by the server when it names it, otherwise by the provider's hint.
    expect(message.match(/no-such-model-x/g)).toHaveLength(1);
    expect(message).toContain('this service offers: ');
  });
}

describe('createAlaya over HTTP: emulator', () => {
  let emulator: Emulator;
  const apiKey = 'test-key';

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: [apiKey], models: MODELS });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const target = (): Target => ({
    baseURL: emulator.url,
    apiKey,
    chatModelId: 'glm-5.1',
    reasoningModelId: 'deepseek-v4-pro',
    embeddingModelId: 'glm-5.1',
  });

  sharedScenarios(target, { embeddings: true });

  const provider = (settings: Parameters<typeof createAlaya>[0] = {}) =>
    createAlaya({ baseURL: emulator.url, apiKey, ...settings });

  it('an unknown model id: the message a user reads says "does not exist" once, then the offered ids', async () => {
    const error = await rejectionOf(
      generateText({ model: provider()('glm-9'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `The model 'glm-9' does not exist. Use GET /v1/models to list the available models (this service offers: ${MODELS.join(', ')})`,
    );
  });

  describe('the nine statuses of the error page', () => {
    const cases = [
      { status: 400, Class: BadRequestError, retryable: false },
      { status: 401, Class: AuthenticationError, retryable: false },
      { status: 402, Class: InsufficientQuotaError, retryable: false },
      { status: 403, Class: PermissionDeniedError, retryable: false },
      { status: 404, Class: NotFoundError, retryable: false },
      { status: 429, Class: RateLimitError, retryable: true },
      { status: 500, Class: InternalServerError, retryable: true },
      { status: 502, Class: BadGatewayError, retryable: true },
      { status: 503, Class: ServiceUnavailableError, retryable: true },
    ] as const;

    for (const { status, Class, retryable } of cases) {
      const message = `emulated ${status}: envelope message kept as is`;
      const fault = {
        status,
        message,
        type: `type_${status}`,
        code: `code_${status}`,
        match: { path: '/v1/chat/completions' },
      };

      it(`${status} -> ${Class.name} through generateText`, async () => {
        emulator.enqueueFaults([fault]);
        const error = await rejectionOf(
          generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
        );
        expect(Class.isInstance(error)).toBe(true);
        expect(AlayaError.isInstance(error)).toBe(true);
        const typed = error as AlayaError;
        expect(typed.statusCode).toBe(status);
        expect(typed.message.startsWith(message)).toBe(true);
        expect(typed.type).toBe(`type_${status}`);
        expect(typed.code).toBe(`code_${status}`);
        expect(typed.isRetryable).toBe(retryable);
        expect(typed.modelId).toBe('glm-5.1');
        expect(typed.provider).toBe('alaya.chat');
        expect(JSON.stringify(typed)).not.toContain(apiKey);
      });

      it(`${status} -> ${Class.name} through streamText`, async () => {
        emulator.enqueueFaults([fault]);
        const error = await streamError(
          streamText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0, onError: quiet }),
        );
        expect(Class.isInstance(error)).toBe(true);
        const typed = error as AlayaError;
        expect(typed.statusCode).toBe(status);
        expect(typed.message.startsWith(message)).toBe(true);
        expect(typed.isRetryable).toBe(retryable);
      });
    }

    it('429 carries retryAfterMs from Retry-After', async () => {
      emulator.enqueueFaults([
        { status: 429, retryAfter: '7', match: { path: '/v1/chat/completions' } },
      ]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(RateLimitError.isInstance(error)).toBe(true);
      expect((error as RateLimitError).retryAfterMs).toBe(7000);
    });

    it('a 404 for a listed model adds no model list', async () => {
      emulator.enqueueFaults([{ status: 404, match: { path: '/v1/chat/completions' } }]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as Error).message).not.toContain('this service offers');
    });
  });

  describe('stream failures', () => {
    it('an error event mid-stream is a typed error part', async () => {
      emulator.enqueueFaults([
        {
          streamError: {
            message: 'upstream model crashed',
            type: 'server_error',
            code: 'upstream',
          },
          afterChunks: 3,
        },
      ]);
      const result = streamText({
        model: provider()('glm-5.1'),
        prompt: 'Hi',
        maxRetries: 0,
        onError: quiet,
      });
      const error = await streamError(result);
      expect(InternalServerError.isInstance(error)).toBe(true);
      expect((error as AlayaError).message).toBe('upstream model crashed');
      expect((error as AlayaError).code).toBe('upstream');
    });

    it('a connection reset mid-stream is a ConnectionError', async () => {
      emulator.enqueueFaults([{ reset: 'mid-stream', afterChunks: 3 }]);
      const result = streamText({
        model: provider()('glm-5.1'),
        prompt: 'Hi',
        maxRetries: 0,
        onError: quiet,
      });
      const error = await streamError(result);
      expect(ConnectionError.isInstance(error)).toBe(true);
      expect((error as AlayaError).isRetryable).toBe(true);
    });

    it('a connection reset before headers is a ConnectionError', async () => {
      emulator.enqueueFaults([{ reset: 'before-headers' }]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(ConnectionError.isInstance(error)).toBe(true);
    });

    it('a non-JSON body is a typed error, not a raw parse error', async () => {
      emulator.enqueueFaults([
        { status: 502, body: 'html', match: { path: '/v1/chat/completions' } },
      ]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(BadGatewayError.isInstance(error)).toBe(true);
    });

    it("the caller's abort propagates as it is, not mapped", async () => {
      emulator.enqueueFaults([{ firstByteDelayMs: 2000 }]);
      const controller = new AbortController();
      const pending = generateText({
        model: provider()('glm-5.1'),
        prompt: 'Hi',
        maxRetries: 0,
        abortSignal: controller.signal,
      });
      setTimeout(() => controller.abort(), 50);
      const error = await rejectionOf(pending);
      expect(AlayaError.isInstance(error)).toBe(false);
      expect((error as Error).name).toBe('AbortError');
    });
  });

  describe('with the middleware (the recommended composition)', () => {
    const fastRetries = { initialDelayMs: 1, maxDelayMs: 5, jitter: 'none' } as const;

    it('retries a 503 and answers; the model list hint survives the middleware', async () => {
      const alaya = provider();
      const retries: number[] = [];
      const model = wrapLanguageModel({
        model: alaya('glm-5.1'),
        middleware: alayaMiddleware({
          ...fastRetries,
          onRetry: event => {
            retries.push(event.attempt);
          },
        }),
      });
      emulator.enqueueFaults([{ status: 503, match: { path: '/v1/chat/completions' } }]);
      const { text } = await generateText({ model, prompt: 'Hi', maxRetries: 0 });
      expect(text.length).toBeGreaterThan(0);
      expect(retries).toEqual([1]);

      const missing = wrapLanguageModel({
        model: alaya('glm-404'),
        middleware: alayaMiddleware(fastRetries),
      });
      const error = await rejectionOf(
        generateText({ model: missing, prompt: 'Hi', maxRetries: 0 }),
      );
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain(`this service offers: ${MODELS.join(', ')})`);
    });

    it('falls back to another Alaya model on a 502 stream', async () => {
      const alaya = provider();
      const model = wrapLanguageModel({
        model: alaya('glm-5.1'),
        middleware: alayaMiddleware({
          ...fastRetries,
          maxRetries: 0,
          fallbackModels: [alaya('minimax-m2.5')],
        }),
      });
      emulator.enqueueFaults([
        { status: 502, match: { path: '/v1/chat/completions', model: 'glm-5.1' } },
      ]);
      const result = streamText({ model, prompt: 'Hi', maxRetries: 0 });
      expect((await result.text).length).toBeGreaterThan(0);
      expect((await result.response).modelId).toBe('minimax-m2.5');
    });
  });

  describe('bodies that are not the envelope', () => {
    it('a 200 whose body is not JSON is a typed error', async () => {
      emulator.enqueueFaults([{ nonJson200: true, match: { path: '/v1/chat/completions' } }]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(AlayaError.isInstance(error)).toBe(true);
    });

    it('a 500 with a truncated JSON body is an InternalServerError', async () => {
      emulator.enqueueFaults([
        { status: 500, body: 'truncated-json', match: { path: '/v1/chat/completions' } },
      ]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(InternalServerError.isInstance(error)).toBe(true);
      expect((error as InternalServerError).statusCode).toBe(500);
    });
  });

  describe('embedding failures', () => {
    it('a 404 from /v1/embeddings is a NotFoundError', async () => {
      emulator.enqueueFaults([{ status: 404, match: { path: '/v1/embeddings' } }]);
      const error = await rejectionOf(
        embed({ model: provider().embeddingModel('glm-5.1'), value: 'x', maxRetries: 0 }),
      );
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as AlayaError).provider).toBe('alaya.embedding');
      expect((error as Error).message).toContain('POST /v1/embeddings');
    });

    it('a 503 from /v1/embeddings is a ServiceUnavailableError', async () => {
      emulator.enqueueFaults([{ status: 503, match: { path: '/v1/embeddings' } }]);
      const error = await rejectionOf(
        embedMany({ model: provider().embeddingModel('glm-5.1'), values: ['x'], maxRetries: 0 }),
      );
      expect(ServiceUnavailableError.isInstance(error)).toBe(true);
    });
  });

  describe('listModels failures', () => {
    it('a 401 from /v1/models is an AuthenticationError', async () => {
      const error = await rejectionOf(provider({ apiKey: 'sk-bad-key-for-models' }).listModels());
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(JSON.stringify(error)).not.toContain('sk-bad-key-for-models');
    });
  });

  describe('404 model list', () => {
    it('is fetched once per provider instance, and only on the 404 path', async () => {
      const alaya = provider();
      const modelsRequests = () =>
        emulator.requests.filter(request => request.path === '/v1/models').length;
      const before = modelsRequests();
      await generateText({ model: alaya('glm-5.1'), prompt: 'Hi', maxRetries: 0 });
      expect(modelsRequests()).toBe(before);
      for (let i = 0; i < 3; i++) {
        const error = await rejectionOf(
          generateText({ model: alaya(`missing-${i}`), prompt: 'Hi', maxRetries: 0 }),
        );
        expect((error as Error).message).toContain(`this service offers: ${MODELS.join(', ')})`);
      }
      expect(modelsRequests()).toBe(before + 1);
    });
  });

  describe('404 model list (slow service)', () => {
    it('gives up on a model list that takes more than 5 s and keeps the plain 404', async () => {
      emulator.enqueueFaults([
        { status: 404, match: { path: '/v1/chat/completions' } },
        { firstByteDelayMs: 15_000, match: { path: '/v1/models' } },
      ]);
      const error = await rejectionOf(
        generateText({ model: provider()('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
      );
      expect(NotFoundError.isInstance(error)).toBe(true);
      expect((error as Error).message).not.toContain('this service offers');
      expect(emulator.pendingFaults()).toEqual([]);
    });
  });

  describe('settings', () => {
    it('sends the User-Agent suffix, custom headers and the trimmed key through a custom fetch', async () => {
      const seen: Headers[] = [];
      const alaya = createAlaya({
        baseURL: emulator.url,
        apiKey: `${apiKey}  \n`,
        headers: { 'x-team': 'search' },
        fetch: async (input, init) => {
          seen.push(new Headers(init?.headers));
          return fetch(input, init);
        },
      });
      await generateText({ model: alaya('glm-5.1'), prompt: 'Hi', maxRetries: 0 });
      expect(seen).toHaveLength(1);
      const headers = seen[0]!;
      expect(headers.get('user-agent')).toContain(`alaya-ai-sdk-provider/${VERSION}`);
      expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
      expect(headers.get('x-team')).toBe('search');
      expect(headers.get('authorization')).toBe(`Bearer ${apiKey}`);
    });

    it('reads ALAYA_API_KEY and ALAYA_BASE_URL at call time', async () => {
      vi.stubEnv('ALAYA_API_KEY', undefined);
      vi.stubEnv('ALAYA_BASE_URL', undefined);
      const alaya = createAlaya();
      const model = alaya('glm-5.1');
      vi.stubEnv('ALAYA_API_KEY', `${apiKey}\n`);
      vi.stubEnv('ALAYA_BASE_URL', emulator.url);
      const result = await generateText({ model, prompt: 'Hi', maxRetries: 0 });
      expect(result.text.length).toBeGreaterThan(0);
    });

    it('a missing key throws LoadAPIKeyError naming ALAYA_API_KEY at call time, not before', async () => {
      vi.stubEnv('ALAYA_API_KEY', undefined);
      const alaya = createAlaya({ baseURL: emulator.url });
      const model = alaya('glm-5.1');
      const error = await rejectionOf(generateText({ model, prompt: 'Hi', maxRetries: 0 }));
      expect(LoadAPIKeyError.isInstance(error)).toBe(true);
      expect((error as Error).message).toBe(
        "Alaya Code API key is missing. Pass it using the 'apiKey' parameter or the ALAYA_API_KEY environment variable.",
      );
      const streamed = await streamError(
        streamText({ model, prompt: 'Hi', maxRetries: 0, onError: quiet }),
      );
      expect(LoadAPIKeyError.isInstance(streamed)).toBe(true);
      const embedded = await rejectionOf(
        embed({ model: alaya.embeddingModel('glm-5.1'), value: 'x', maxRetries: 0 }),
      );
      expect(LoadAPIKeyError.isInstance(embedded)).toBe(true);
    });

    it('a missing key stays a LoadAPIKeyError through the middleware, sent nothing, no fallback', async () => {
      vi.stubEnv('ALAYA_API_KEY', undefined);
      const alaya = createAlaya({ baseURL: emulator.url });
      const model = wrapLanguageModel({
        model: alaya('glm-5.1'),
        middleware: alayaMiddleware({ initialDelayMs: 1, fallbackModels: [alaya('minimax-m2.5')] }),
      });
      const before = emulator.requests.length;
      const error = await rejectionOf(generateText({ model, prompt: 'Hi' }));
      expect(LoadAPIKeyError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('ALAYA_API_KEY');
      const invalid = await rejectionOf(
        generateText({
          model: wrapLanguageModel({ model: alaya('glm-5.1'), middleware: alayaMiddleware() }),
          prompt: 'Hi',
          providerOptions: { alaya: { thinking: 'yes' } },
        }),
      );
      expect(InvalidArgumentError.isInstance(invalid)).toBe(true);
      expect(emulator.requests.length).toBe(before);
    });

    it('name sets the provider id and the providerOptions key', async () => {
      const custom = provider({ name: 'my-alaya' });
      expect(custom('glm-5.1').provider).toBe('my-alaya.chat');
      expect(custom.embeddingModel('e').provider).toBe('my-alaya.embedding');
      const result = await generateText({
        model: custom('deepseek-v4-pro'),
        prompt: 'Hi',
        maxRetries: 0,
        providerOptions: { myAlaya: { thinking: { type: 'disabled' } } },
      });
      expect(result.reasoningText ?? '').toBe('');
      expect(result.warnings ?? []).toEqual([]);
      const invalid = await rejectionOf(
        generateText({
          model: custom('glm-5.1'),
          prompt: 'Hi',
          maxRetries: 0,
          providerOptions: { myAlaya: { thinking: { type: 'maybe' } } },
        }),
      );
      expect(InvalidArgumentError.isInstance(invalid)).toBe(true);
    });
  });

  describe('providerOptions.alaya', () => {
    it('thinking disabled is sent and switches reasoning off', async () => {
      const bodies: unknown[] = [];
      const alaya = provider({
        fetch: async (input, init) => {
          bodies.push(JSON.parse(String(init?.body)));
          return fetch(input, init);
        },
      });
      const result = await generateText({
        model: alaya('deepseek-v4-pro'),
        prompt: 'What is 2 + 2?',
        maxRetries: 0,
        providerOptions: {
          alaya: {
            thinking: { type: 'disabled' },
            parallelToolCalls: false,
            extraBody: { top_k: 3 },
          },
        },
      });
      expect(bodies[0]).toMatchObject({
        model: 'deepseek-v4-pro',
        thinking: { type: 'disabled' },
        parallel_tool_calls: false,
        top_k: 3,
      });
      expect(bodies[0]).not.toHaveProperty('parallelToolCalls');
      expect(bodies[0]).not.toHaveProperty('extraBody');
      expect(result.reasoningText ?? '').toBe('');
      expect(result.text.length).toBeGreaterThan(0);
    });

    it('rejects an invalid value or an unknown key before sending anything', async () => {
      let calls = 0;
      const alaya = provider({
        fetch: async (input, init) => {
          calls++;
          return fetch(input, init);
        },
      });
      const invalid = await rejectionOf(
        generateText({
          model: alaya('glm-5.1'),
          prompt: 'Hi',
          maxRetries: 0,
          providerOptions: { alaya: { thinking: { type: 'sometimes' } } },
        }),
      );
      expect(InvalidArgumentError.isInstance(invalid)).toBe(true);
      const unknown = await streamError(
        streamText({
          model: alaya('glm-5.1'),
          prompt: 'Hi',
          maxRetries: 0,
          providerOptions: { alaya: { thinkng: { type: 'disabled' } } },
          onError: quiet,
        }),
      );
      expect(InvalidArgumentError.isInstance(unknown)).toBe(true);
      expect(calls).toBe(0);
    });
  });

  describe('model types', () => {
    it('alaya(id), languageModel and chatModel create chat models', () => {
      const alaya = provider();
      for (const model of [
        alaya('minimax-m2.5'),
        alaya.languageModel('minimax-m2.5'),
        alaya.chatModel('minimax-m2.5'),
      ]) {
        expect(model.specificationVersion).toBe('v4');
        expect(model.modelId).toBe('minimax-m2.5');
        expect(model.provider).toBe('alaya.chat');
      }
      expect(alaya.specificationVersion).toBe('v4');
    });

    it('unsupported model types throw NoSuchModelError', () => {
      const alaya = provider();
      const calls = [
        ['imageModel', () => alaya.imageModel('x')],
        ['transcriptionModel', () => alaya.transcriptionModel('x')],
        ['speechModel', () => alaya.speechModel('x')],
        ['rerankingModel', () => alaya.rerankingModel('x')],
      ] as const;
      for (const [modelType, call] of calls) {
        let thrown: unknown;
        try {
          call();
        } catch (error) {
          thrown = error;
        }
        expect(NoSuchModelError.isInstance(thrown)).toBe(true);
        expect((thrown as NoSuchModelError).modelType).toBe(modelType);
        expect((thrown as NoSuchModelError).modelId).toBe('x');
      }
    });
  });
});

describe.skipIf(!process.env.ALAYA_API_KEY)(
  'createAlaya over HTTP: real Alaya Code service (runs only with ALAYA_API_KEY)',
  () => {
    sharedScenarios(
      () => ({
        baseURL: process.env.ALAYA_BASE_URL || DEFAULT_ALAYA_BASE_URL,
        apiKey: process.env.ALAYA_API_KEY ?? '',
        chatModelId: process.env.ALAYA_TEST_MODEL || 'glm-5.1',
        reasoningModelId: process.env.ALAYA_TEST_REASONING_MODEL || 'deepseek-v4-pro',
        embeddingModelId: process.env.ALAYA_TEST_EMBEDDING_MODEL ?? '',
      }),
      // Alaya does not document an embedding model: set ALAYA_TEST_EMBEDDING_MODEL to test one.
      { embeddings: Boolean(process.env.ALAYA_TEST_EMBEDDING_MODEL) },
    );
  },
);
