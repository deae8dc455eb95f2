import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { type Emulator, type EmulatorFault, startEmulator } from '@alaya-code/emulator';
import { jsonSchema, streamText, tool, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alayaMiddleware } from '../alaya-middleware';
import type { AlayaError } from '../errors/alaya-error';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';
import { createCallCounters } from '../telemetry/call-counters';

/**
 * `continuation` over real HTTP: the emulator continues deterministically from an assistant prefix
 * (the continuation of a prefix of its answer is the rest of that answer), so the spliced text must
 * equal the uninterrupted answer, whatever broke the stream.
 */
const API_KEY = 'sk-continuation-test-key-0123456789';
const PROMPT = 'Tell me about streaming answers.';
let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [API_KEY],
    models: ['glm-5.2', { id: 'plain-text', reasoning: false }],
  });
});
afterAll(async () => {
  await emulator?.close();
});
beforeEach(() => emulator.reset());

const chat = () => emulator.requests.filter(r => r.path === '/v1/chat/completions');
const chatModel = (id: string) =>
  createOpenAICompatible({
    name: 'alaya',
    baseURL: emulator.url,
    apiKey: API_KEY,
    includeUsage: true,
  }).chatModel(id);
const model = (options: AlayaMiddlewareOptions, id = 'plain-text') =>
  wrapLanguageModel({
    model: chatModel(id),
    middleware: alayaMiddleware({
      initialDelayMs: 10,
      jitter: 'none',
      apiKey: API_KEY,
      ...options,
    }),
  });

type RunOptions = { options?: AlayaMiddlewareOptions; id?: string; prompt?: string; tools?: never };

/** Runs `streamText` to its end: text, reasoning, error parts, part types, usage. */
async function run({ options = {}, id, prompt = PROMPT, tools }: RunOptions = {}) {
  const result = streamText({ model: model(options, id), prompt, tools, onError: () => {} });
  const errors: unknown[] = [];
  const types: string[] = [];
  let text = '';
  let reasoning = '';
  for await (const part of result.fullStream) {
    types.push(part.type);
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'error') errors.push(part.error);
  }
  const count = (type: string) => types.filter(t => t === type).length;
  return { text, reasoning, errors, types, count, usage: await result.usage, result };
}

/** The uninterrupted answer, then a run whose first request gets `fault`. */
async function cleanThenBroken(fault: EmulatorFault, options: AlayaMiddlewareOptions, id?: string) {
  const clean = await run({ id });
  emulator.reset();
  emulator.enqueueFaults(fault);
  const broken = await run({ options, id });
  return { clean, broken };
}

const ON = { continuation: true, idleTimeoutMs: 400 } satisfies AlayaMiddlewareOptions;

describe('continuation over HTTP: the spliced text equals the uninterrupted answer', () => {
  it.each<[string, EmulatorFault]>([
    ['a stall after content (idle timeout)', { stall: 'mid-stream', afterChunks: 5, chunkSize: 6 }],
    ['a connection reset mid-stream', { reset: 'mid-stream', afterChunks: 5, chunkSize: 6 }],
    ['an error part mid-stream', { streamError: true, afterChunks: 5, chunkSize: 6 }],
  ])('after %s', async (_, fault) => {
    const { clean, broken } = await cleanThenBroken(fault, ON);
    expect(clean.text.length).toBeGreaterThan(40);
    expect(broken.errors).toEqual([]);
    expect(broken.text).toBe(clean.text);
    // One answer: one step, one stream start, one text block, one finish.
    for (const type of ['start-step', 'text-start', 'text-end', 'finish']) {
      expect(broken.count(type)).toBe(1);
    }
    expect(await broken.result.finishReason).toBe('stop');
    expect(chat()).toHaveLength(2);
    const metadata = (await broken.result.providerMetadata)?.alayaMiddleware;
    expect(metadata).toMatchObject({ attempts: 2, modelId: 'plain-text' });
    // The usage is the continuation's own report: its input counts the partial answer sent back.
    expect(broken.usage.outputTokens).toBeGreaterThan(0);
    expect(broken.usage.outputTokens).toBeLessThan(clean.usage.outputTokens!);
    expect(broken.usage.inputTokens).toBeGreaterThan(clean.usage.inputTokens!);
  });

  it('a reasoning answer broken in its text: the reasoning is read once, the text spliced', async () => {
    const clean = await run({ id: 'glm-5.2' });
    // Role event, the reasoning in 16-character deltas, then 3 text deltas before the stall.
    const afterChunks = 1 + Math.ceil(clean.reasoning.length / 16) + 3;
    emulator.reset();
    emulator.enqueueFaults({ stall: 'mid-stream', afterChunks });
    const broken = await run({ id: 'glm-5.2', options: ON });
    expect(broken.errors).toEqual([]);
    expect(broken.reasoning).toBe(clean.reasoning);
    expect(broken.text).toBe(clean.text);
    // Continued from the text prefix (the emulator then sends no reasoning), not re-asked whole.
    expect(clean.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
    expect(broken.usage.outputTokenDetails.reasoningTokens ?? 0).toBe(0);
    expect(broken.usage.outputTokens).toBeLessThan(clean.usage.outputTokenDetails.textTokens!);
    expect(broken.count('reasoning-start')).toBe(1);
    expect(broken.count('text-start')).toBe(1);
    expect(chat()).toHaveLength(2);
  });

  it('continues again when the continuation breaks too, up to maxContinuations', async () => {
    const fault = { stall: 'mid-stream', afterChunks: 4, chunkSize: 6 } as const;
    const clean = await run();
    emulator.reset();
    emulator.enqueueFaults([fault, fault]);
    const twice = await run({ options: ON });
    expect(twice.errors).toEqual([]);
    expect(twice.text).toBe(clean.text);
    expect(chat()).toHaveLength(3);

    emulator.reset();
    emulator.enqueueFaults([fault, fault]);
    const telemetry = createCallCounters();
    const once = await run({
      options: { ...ON, continuation: { maxContinuations: 1 }, telemetry },
    });
    expect(telemetry.snapshot().total).toMatchObject({
      requests: 2,
      streamInterruptions: 2,
      continuations: 1,
    });
    expect(once.errors).toHaveLength(1);
    expect((once.errors[0] as AlayaError).name).toBe('AI_TimeoutError');
    expect(clean.text.startsWith(once.text)).toBe(true);
    expect(once.text.length).toBeGreaterThan(0);
    expect(once.count('text-start')).toBe(1);
    expect(chat()).toHaveLength(2);
  });

  it('a continuation runs through the retry loop: firstContentTimeoutMs recovers one that stalls before content', async () => {
    const clean = await run();
    emulator.reset();
    emulator.enqueueFaults([
      { reset: 'mid-stream', afterChunks: 4, chunkSize: 6 },
      { stall: 'after-headers' },
    ]);
    // (Not hedged: a continuation never sends a hedge, see after-content.integration.test.ts.)
    const retried = await run({ options: { ...ON, firstContentTimeoutMs: 800 } });
    expect(retried.errors).toEqual([]);
    expect(retried.text).toBe(clean.text);
    for (let i = 0; i < 100 && chat().some(r => r.outcome === 'pending'); i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    expect(chat().map(r => r.outcome)).toEqual(['reset', 'aborted', 'completed']);
  });

  it('an answer of a fallback model is continued by that model; its finish says fallbackIndex 1 and every attempt', async () => {
    const clean = await run();
    emulator.reset();
    emulator.enqueueFaults([
      { status: 503 },
      { reset: 'mid-stream', afterChunks: 5, chunkSize: 6 },
    ]);
    const fallbackModels = [chatModel('plain-text')];
    const continued = await run({
      id: 'glm-5.2',
      options: { ...ON, maxRetries: 0, fallbackModels },
    });
    expect(continued.errors).toEqual([]);
    expect(continued.text).toBe(clean.text);
    expect(chat().map(r => r.model)).toEqual(['glm-5.2', 'plain-text', 'plain-text']);
    const metadata = (await continued.result.providerMetadata)?.alayaMiddleware;
    expect(metadata).toEqual({
      provider: 'alaya.chat',
      modelId: 'plain-text',
      fallbackIndex: 1,
      attempts: 3,
    });
  });

  it('no continuation once deadlineMs has passed: the stream ends with the idle TimeoutError', async () => {
    emulator.enqueueFaults({ stall: 'mid-stream', afterChunks: 4, chunkSize: 6 });
    const late = await run({ options: { ...ON, idleTimeoutMs: 2500, deadlineMs: 2000 } });
    expect(late.errors).toHaveLength(1);
    expect((late.errors[0] as AlayaError).message).toContain('idleTimeoutMs (2500 ms)');
    expect(chat()).toHaveLength(1);
  });

  it("a continuation cut by the deadline runs out the call's own deadline, and says the call's deadlineMs", async () => {
    emulator.enqueueFaults([
      { stall: 'mid-stream', afterChunks: 4, chunkSize: 6 },
      { stall: 'after-headers' },
    ]);
    const started = Date.now();
    const cut = await run({ options: { ...ON, idleTimeoutMs: 300, deadlineMs: 1500 } });
    const elapsed = Date.now() - started;
    expect(cut.errors).toHaveLength(1);
    const error = cut.errors[0] as AlayaError;
    expect(error.name).toBe('AI_TimeoutError');
    // The deadline handed down is the call's: not a new one of what was left when it continued.
    expect(error.message).toContain('Deadline of 1500 ms exceeded after 1 attempt');
    expect(elapsed).toBeGreaterThanOrEqual(1500);
    expect(chat()).toHaveLength(2);
  });

  it('off by default: a reset after content ends the stream with one typed error part', async () => {
    const { broken } = await cleanThenBroken(
      { reset: 'mid-stream', afterChunks: 5, chunkSize: 6 },
      { idleTimeoutMs: 400 },
    );
    expect(broken.errors).toHaveLength(1);
    expect((broken.errors[0] as AlayaError).name).toBe('AI_ConnectionError');
    expect(chat()).toHaveLength(1);
  });

  it('never continues a stream that carried a tool call', async () => {
    const tools = {
      get_weather: tool({
        description: 'Weather of a city',
        inputSchema: jsonSchema<{ city: string }>({
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        }),
      }),
    } as never;
    emulator.enqueueFaults({ reset: 'mid-stream', afterChunks: 3 });
    const broken = await run({
      options: ON,
      prompt: 'Use get_weather for the weather in Paris',
      tools,
    });
    expect(broken.types).toContain('tool-input-start');
    expect(broken.errors).toHaveLength(1);
    expect((broken.errors[0] as AlayaError).name).toBe('AI_ConnectionError');
    expect(chat()).toHaveLength(1);
  });

  it('the caller abort during a continuation stays an abort, with nothing left pending', async () => {
    emulator.enqueueFaults([
      { reset: 'mid-stream', afterChunks: 4, chunkSize: 6 },
      { stall: 'after-headers' },
    ]);
    const controller = new AbortController();
    const result = streamText({
      model: model(ON),
      prompt: PROMPT,
      abortSignal: controller.signal,
      onError: () => {},
    });
    // By then the first request was reset and the continuation's request hangs after its headers.
    setTimeout(() => controller.abort(), 500);
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('text-delta');
    expect(types).toContain('abort');
    expect(types).not.toContain('error');
    for (let i = 0; i < 100 && chat().some(r => r.outcome === 'pending'); i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    expect(chat().map(r => r.outcome)).toEqual(['reset', 'aborted']);
  });
});
