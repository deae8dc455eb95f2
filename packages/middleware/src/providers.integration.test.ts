import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { alayaMiddleware } from './alaya-middleware';
import { InsufficientQuotaError, RateLimitError, UnknownStatusError } from './errors/status-errors';
import { rejection } from './test-support/rejection';

/**
 * Tiny loopback servers that speak the OpenAI and Anthropic wire formats and answer with their real
 * error bodies, to prove the middleware works around any provider.
 */
interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** SSE events, written as `event:`/`data:` lines. */
  events?: Array<{ event?: string; data: unknown }>;
}

interface Loopback {
  url: string;
  requests: Array<{ time: number; path: string; authorization?: string }>;
  close: () => Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => new Promise(resolve => server.close(resolve))));
});

/** Serves `replies` in order (the last one repeats). */
async function loopback(replies: Reply[]): Promise<Loopback> {
  const requests: Loopback['requests'] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({
        time: Date.now(),
        path: req.url ?? '',
        authorization: req.headers.authorization,
      });
      const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
      if (reply.events) {
        res.writeHead(reply.status, { 'content-type': 'text/event-stream', ...reply.headers });
        for (const { event, data } of reply.events) {
          res.write(
            `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
          );
        }
        res.end();
        return;
      }
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  servers.push(server);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

const OPENAI_KEY = 'sk-proj-loopback-openai-key-0001';
const ANTHROPIC_KEY = 'sk-ant-loopback-anthropic-key-0001';

const openaiCompletion = (text: string) =>
  JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });

const openaiQuota = JSON.stringify({
  error: {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
});

const openaiRateLimit = JSON.stringify({
  error: {
    message:
      'Rate limit reached for gpt-test in organization org-1 on requests per min (RPM): Limit 3, Used 3, Requested 1.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
});

const anthropicOverloaded = JSON.stringify({
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
});

const anthropicMessage = (text: string) =>
  JSON.stringify({
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 3, output_tokens: 2 },
  });

function anthropicStream(text: string) {
  return [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'msg_02',
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 3, output_tokens: 1 },
        },
      },
    },
    {
      event: 'content_block_start',
      data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    },
    {
      event: 'content_block_delta',
      data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    },
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    {
      event: 'message_delta',
      data: {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 2 },
      },
    },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ];
}

describe('@ai-sdk/openai', () => {
  const model = (url: string, options = {}) =>
    wrapLanguageModel({
      model: createOpenAI({ baseURL: url, apiKey: OPENAI_KEY }).chat('gpt-test'),
      middleware: alayaMiddleware({ initialDelayMs: 10, apiKey: OPENAI_KEY, ...options }),
    });

  it('429 insufficient_quota is an InsufficientQuotaError, sent once', async () => {
    const server = await loopback([
      { status: 429, body: openaiQuota, headers: { 'x-request-id': 'req_openai_1' } },
    ]);
    const error = await rejection(generateText({ model: model(server.url), prompt: 'Hi' }));
    expect(InsufficientQuotaError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe('insufficient_quota');
    expect(error.requestId).toBe('req_openai_1');
    expect(error.isRetryable).toBe(false);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    expect(JSON.stringify([error, error.toJSON(), String(error.cause)])).not.toContain(OPENAI_KEY);
  });

  it('429 rate limit with retry-after-ms is retried after that wait, then answers', async () => {
    const server = await loopback([
      {
        status: 429,
        body: openaiRateLimit,
        headers: { 'retry-after-ms': '300', 'x-should-retry': 'true' },
      },
      { status: 200, body: openaiCompletion('Hello from OpenAI') },
    ]);
    const { text } = await generateText({ model: model(server.url), prompt: 'Hi' });
    expect(text).toBe('Hello from OpenAI');
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.time - server.requests[0]!.time).toBeGreaterThanOrEqual(300);
  });

  it('x-should-retry: false on a 500 stops at once', async () => {
    const server = await loopback([
      {
        status: 500,
        body: JSON.stringify({
          error: { message: 'boom', type: 'server_error', param: null, code: null },
        }),
        headers: { 'x-should-retry': 'false' },
      },
    ]);
    const error = await rejection(generateText({ model: model(server.url), prompt: 'Hi' }));
    expect(error.kind).toBe('internal_server');
    expect(error.message).toBe('boom');
    expect(server.requests).toHaveLength(1);
  });

  it('a persistent 429 rate limit: exactly maxRetries + 1 requests under generateText defaults', async () => {
    const server = await loopback([
      { status: 429, body: openaiRateLimit, headers: { 'retry-after-ms': '5' } },
    ]);
    const error = await rejection(generateText({ model: model(server.url), prompt: 'Hi' }));
    expect(RateLimitError.isInstance(error)).toBe(true);
    expect(error.message.startsWith('Rate limit reached for gpt-test')).toBe(true);
    expect(server.requests).toHaveLength(3);
  });
});

describe('@ai-sdk/anthropic', () => {
  const model = (url: string, options = {}) =>
    wrapLanguageModel({
      model: createAnthropic({ baseURL: url, apiKey: ANTHROPIC_KEY }).languageModel('claude-test'),
      middleware: alayaMiddleware({ initialDelayMs: 10, apiKey: ANTHROPIC_KEY, ...options }),
    });

  it('529 overloaded_error is a retryable UnknownStatusError: retried, then answers', async () => {
    const server = await loopback([
      { status: 529, body: anthropicOverloaded, headers: { 'request-id': 'req_ant_1' } },
      { status: 529, body: anthropicOverloaded },
      { status: 200, body: anthropicMessage('Hello from Claude') },
    ]);
    const { text } = await generateText({ model: model(server.url), prompt: 'Hi' });
    expect(text).toBe('Hello from Claude');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.path).toBe('/v1/messages');
  });

  it('persistent 529: typed, not retryable at the end, exactly 3 requests', async () => {
    const server = await loopback([
      { status: 529, body: anthropicOverloaded, headers: { 'request-id': 'req_ant_2' } },
    ]);
    const error = await rejection(generateText({ model: model(server.url), prompt: 'Hi' }));
    expect(UnknownStatusError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(529);
    expect(error.type).toBe('overloaded_error');
    expect(error.message.startsWith('Overloaded')).toBe(true);
    expect(error.requestId).toBe('req_ant_2');
    expect(error.isRetryable).toBe(false);
    expect(server.requests).toHaveLength(3);
  });

  it('401 authentication_error is not retried and hides the key', async () => {
    const server = await loopback([
      {
        status: 401,
        body: JSON.stringify({
          type: 'error',
          error: { type: 'authentication_error', message: `invalid x-api-key ${ANTHROPIC_KEY}` },
        }),
      },
    ]);
    const error = await rejection(generateText({ model: model(server.url), prompt: 'Hi' }));
    expect(error.kind).toBe('authentication');
    expect(error.message).toBe('invalid x-api-key [REDACTED]');
    expect(server.requests).toHaveLength(1);
  });

  it('an overloaded_error event before content in a stream is retried invisibly', async () => {
    const server = await loopback([
      {
        status: 200,
        events: [
          anthropicStream('x')[0]!,
          {
            event: 'error',
            data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
          },
        ],
      },
      { status: 200, events: anthropicStream('Streamed from Claude') },
    ]);
    const result = streamText({ model: model(server.url), prompt: 'Hi' });
    expect(await result.text).toBe('Streamed from Claude');
    expect(server.requests).toHaveLength(2);
  });
});
