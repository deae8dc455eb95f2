import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import {
  DEFAULT_EMBEDDING_MODEL,
  DEFAULT_MODELS,
  type Emulator,
  startEmulator,
} from '@alaya-code/emulator';
import { embed, generateText, Output, stepCountIs, streamText, tool } from 'ai';
import fc from 'fast-check';
import OpenAI, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// Cross-check: the emulator's wire format, driven by the official `openai` npm client and by
// `@ai-sdk/openai-compatible` + `ai`, both unchanged.

let emulator: Emulator;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: ['test-key', { key: 'plan-key', models: ['glm-5.1'] }],
  });
  client = new OpenAI({ apiKey: 'test-key', baseURL: emulator.url, maxRetries: 0 });
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 7 } },
      required: ['city', 'days'],
      additionalProperties: false,
    },
  },
};

describe('openai npm client', () => {
  it('creates a JSON chat completion with reasoning_content and usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'glm-5.2',
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.object).toBe('chat.completion');
    const [choice] = completion.choices;
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.content).toMatch(/^Hello/);
    expect(
      (choice!.message as unknown as { reasoning_content: string }).reasoning_content,
    ).toContain('Say hello');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  });

  it('streams a chat completion that matches the JSON answer', async () => {
    const request = {
      model: 'glm-5.2',
      messages: [{ role: 'user' as const, content: 'Stream please' }],
    };
    const json = await client.chat.completions.create(request);
    const stream = await client.chat.completions.create({
      ...request,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(chunks).toBeGreaterThan(5);
    expect(content).toBe(json.choices[0]?.message.content);
    expect(finish).toBe('stop');
    expect(usage).toEqual(json.usage);
  });

  it('calls tools with schema-valid arguments, then answers the tool result', async () => {
    const first = await client.chat.completions.create({
      model: 'glm-5.2',
      tools: [weather],
      messages: [{ role: 'user', content: 'Use get_weather for Lisbon, next 2 days' }],
    });
    const message = first.choices[0]!.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    const call = message.tool_calls![0]!;
    expect(call.type).toBe('function');
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Lisbon', days: 2 });
    const second = await client.chat.completions.create({
      model: 'glm-5.2',
      tools: [weather],
      messages: [
        { role: 'user', content: 'Use get_weather for Lisbon, next 2 days' },
        message,
        { role: 'tool', tool_call_id: call.id, content: 'sunny, 24C' },
      ],
    });
    expect(second.choices[0]?.message.content).toContain(
      'The get_weather tool returned: sunny, 24C',
    );
  });

  it('streams tool calls that the client reassembles', async () => {
    const runner = client.chat.completions.stream({
      model: 'glm-5.2',
      tools: [weather],
      messages: [{ role: 'user', content: 'call get_weather for Oslo, 4 days' }],
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Oslo', days: 4 });
  });

  it('creates embeddings (base64 by default, decoded by the client) and floats', async () => {
    const decoded = await client.embeddings.create({
      model: 'glm-5.2',
      input: ['one', 'two'],
      dimensions: 32,
    });
    const floats = await client.embeddings.create({
      model: 'glm-5.2',
      input: ['one', 'two'],
      dimensions: 32,
      encoding_format: 'float',
    });
    expect(decoded.data).toHaveLength(2);
    expect(decoded.data[0]?.embedding).toHaveLength(32);
    decoded.data[0]?.embedding.forEach((value, i) => {
      expect(value).toBeCloseTo(floats.data[0]!.embedding[i]!, 6);
    });
    expect(decoded.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('lists and retrieves models', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual([...DEFAULT_MODELS, DEFAULT_EMBEDDING_MODEL]);
    expect(await client.models.retrieve('glm-5.1')).toMatchObject({
      id: 'glm-5.1',
      object: 'model',
      owned_by: 'alaya',
    });
  });

  const SEED_ERRORS = [
    [400, BadRequestError, 'invalid_request'],
    [401, AuthenticationError, 'invalid_api_key'],
    [402, APIError, 'insufficient_quota'],
    [403, PermissionDeniedError, 'model_not_in_plan'],
    [404, NotFoundError, 'not_found'],
    [429, RateLimitError, 'rate_limit_exceeded'],
    [500, InternalServerError, 'internal_error'],
    [502, InternalServerError, 'bad_gateway'],
    [503, InternalServerError, 'service_unavailable'],
  ] as const;

  it.each(SEED_ERRORS)(
    'maps a %i fault to the client error class with the envelope',
    async (status, ErrorClass, code) => {
      emulator.enqueueFaults({ status, message: `emulated ${status}` });
      const error = await client.chat.completions
        .create({ model: 'glm-5.2', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ErrorClass);
      const apiError = error as APIError;
      expect(apiError.status).toBe(status);
      expect(apiError.message).toBe(`${status} emulated ${status}`);
      expect(apiError.code).toBe(code);
      expect(apiError.requestID).toMatch(/^req_/);
    },
  );

  it('gets real (not injected) 401, 403, 404 and 400 from the service logic', async () => {
    const badKey = new OpenAI({ apiKey: 'nope', baseURL: emulator.url, maxRetries: 0 });
    await expect(badKey.models.list()).rejects.toBeInstanceOf(AuthenticationError);
    const planKey = new OpenAI({ apiKey: 'plan-key', baseURL: emulator.url, maxRetries: 0 });
    await expect(
      planKey.chat.completions.create({
        model: 'glm-5.2',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(
      client.chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      client.chat.completions.create({ model: 'glm-5.2', messages: [] }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });

  it('surfaces a mid-stream error event and a connection reset', async () => {
    emulator.enqueueFaults({ streamError: { message: 'upstream died' }, afterChunks: 3 });
    const stream = await client.chat.completions.create({
      model: 'glm-5.2',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const seen: unknown[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) seen.push(chunk);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(3);
    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).message).toContain('upstream died');

    emulator.enqueueFaults({ reset: 'before-headers' });
    await expect(client.models.list()).rejects.toBeInstanceOf(APIConnectionError);
  });
});

/** Random zod schemas: bounded strings/numbers/ints, booleans, enums, nullable/optional, arrays, nested objects. */
const zodSchemaArb: fc.Arbitrary<z.ZodType> = fc.letrec<{ node: z.ZodType; leaf: z.ZodType }>(
  tie => ({
    leaf: fc.oneof(
      fc.tuple(fc.nat(8), fc.nat(12)).map(([min, extra]) =>
        z
          .string()
          .min(min)
          .max(min + extra),
      ),
      fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.nat(1000)).map(([min, span]) =>
        z
          .number()
          .min(min)
          .max(min + span),
      ),
      fc.tuple(fc.integer({ min: -50, max: 50 }), fc.nat(50)).map(([min, span]) =>
        z
          .number()
          .int()
          .min(min)
          .max(min + span),
      ),
      fc.constant(z.boolean()),
      fc
        .uniqueArray(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 4 })
        .map(values => z.enum(values as [string, ...string[]])),
      fc.constant(z.literal('fixed')),
    ),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      tie('leaf').map(schema => schema.nullable()),
      fc.tuple(tie('node'), fc.nat(3), fc.nat(3)).map(([item, min, extra]) =>
        z
          .array(item)
          .min(min)
          .max(min + extra),
      ),
      fc
        .dictionary(
          fc.stringMatching(/^[a-z][a-zA-Z]{0,7}$/),
          fc.tuple(tie('node'), fc.boolean()),
          {
            minKeys: 1,
            maxKeys: 5,
          },
        )
        .map(shape =>
          z.object(
            Object.fromEntries(
              Object.entries(shape).map(([key, [schema, optional]]) => [
                key,
                optional ? schema.optional() : schema,
              ]),
            ),
          ),
        ),
    ),
  }),
).node;

describe('structured output against random schemas', () => {
  it('returns JSON that zod accepts for any generated object schema', async () => {
    await fc.assert(
      fc.asyncProperty(zodSchemaArb, fc.string({ maxLength: 40 }), async (inner, prompt) => {
        const schema = z.object({ value: inner });
        const completion = await client.chat.completions.create({
          model: 'glm-5.2',
          messages: [{ role: 'user', content: prompt || 'x' }],
          response_format: {
            type: 'json_schema',
            json_schema: {
              name: 'out',
              schema: z.toJSONSchema(schema) as Record<string, unknown>,
              strict: true,
            },
          },
        });
        const content = completion.choices[0]?.message.content ?? '';
        const result = schema.safeParse(JSON.parse(content));
        if (!result.success)
          throw new Error(`${content} does not satisfy: ${result.error.message}`);
      }),
      { numRuns: 60 },
    );
  });
});

describe('@ai-sdk/openai-compatible', () => {
  const provider = () =>
    createOpenAICompatible({
      name: 'alaya',
      baseURL: emulator.url,
      apiKey: 'test-key',
      includeUsage: true,
      supportsStructuredOutputs: true,
    });

  it('generates text with reasoning and usage', async () => {
    const result = await generateText({
      model: provider().chatModel('glm-5.2'),
      prompt: 'Hello AI SDK',
      maxRetries: 0,
    });
    expect(result.text).toContain('AI SDK');
    expect(result.reasoningText).toContain('Hello AI SDK');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
  });

  it('streams text, reasoning and usage', async () => {
    const result = streamText({
      model: provider().chatModel('glm-5.1'),
      prompt: 'Stream AI SDK',
      maxRetries: 0,
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toContain('stream AI SDK');
    expect(await result.reasoningText).toContain('Stream AI SDK');
    expect((await result.usage).inputTokens).toBeGreaterThan(0);
    expect(await result.finishReason).toBe('stop');
  });

  it('runs a tool loop: call, execute, answer with the result', async () => {
    const result = await generateText({
      model: provider().chatModel('glm-5.2'),
      prompt: 'Use get_weather for Berlin over 3 days',
      maxRetries: 0,
      stopWhen: stepCountIs(3),
      tools: {
        get_weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(7) }),
          execute: async ({ city, days }) => `${city}: rain for ${days} days`,
        }),
      },
    });
    expect(result.steps[0]?.toolCalls[0]?.input).toEqual({ city: 'Berlin', days: 3 });
    expect(result.text).toContain('The get_weather tool returned: Berlin: rain for 3 days');
  });

  it('streams a tool call that the AI SDK parses into typed input', async () => {
    const result = streamText({
      model: provider().chatModel('deepseek-v4-flash'),
      prompt: 'call get_weather for Madrid, 6 days',
      maxRetries: 0,
      tools: {
        get_weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(7) }),
        }),
      },
    });
    const calls = await result.toolCalls;
    expect(calls).toHaveLength(1);
    expect(calls[0]?.toolName).toBe('get_weather');
    expect(calls[0]?.input).toEqual({ city: 'Madrid', days: 6 });
    expect(await result.finishReason).toBe('tool-calls');
  });

  it('produces structured output that satisfies a zod schema', async () => {
    const schema = z.object({
      title: z.string(),
      year: z.number().int().min(1900).max(2100),
      genres: z.array(z.enum(['drama', 'comedy', 'horror'])).min(1),
      director: z.object({ name: z.string() }),
    });
    const result = await generateText({
      model: provider().chatModel('glm-5.2'),
      prompt: 'Describe "Metropolis" from 1927',
      maxRetries: 0,
      output: Output.object({ schema }),
    });
    expect(schema.parse(result.output)).toEqual(result.output);
    expect(result.output.title).toBe('Metropolis');
    expect(result.output.year).toBe(1927);
  });

  it('embeds a value', async () => {
    const { embedding } = await embed({
      model: provider().embeddingModel('glm-5.2'),
      value: 'vector me',
      maxRetries: 0,
    });
    expect(embedding).toHaveLength(256);
    expect(Math.hypot(...embedding)).toBeCloseTo(1, 6);
  });
});
