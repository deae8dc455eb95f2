/**
 * The chat route of examples/next, called as Next calls it (a `Request` in, a streamed `Response` out),
 * against the in-process emulator over real HTTP: the friendly error for each failure, the retry count,
 * and what never reaches the page (the key, stacks, upstream messages).
 */
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POST } from '../../examples/next/app/api/chat/route';
import { calculate } from '../../examples/next/lib/calculator';
import {
  type ChatError,
  parseChatError,
  serializeChatError,
} from '../../examples/next/lib/chat-error';
import { CONSOLE_JARGON } from './plain-words';

const API_KEY = 'sk-e2e-route-7d21';
const USAGE_URL = 'https://console.example.test/usage';
const CHAT_PATH = '/v1/chat/completions';
const ENV_NAMES = ['ALAYA_API_KEY', 'ALAYA_BASE_URL', 'ALAYA_CONSOLE_USAGE_URL'] as const;

let emulator: Emulator;
const savedEnv = new Map<string, string | undefined>();

interface RouteResult {
  status: number;
  /** The UI message stream chunks (`data:` lines of the SSE body). */
  chunks: Record<string, unknown>[];
  /** The error the page would show: from the error chunk, or from a non-2xx body. */
  error?: ChatError;
  /** The raw body, to check what must never be in it. */
  raw: string;
}

function userMessage(text: string) {
  return { id: `u-${text.length}`, role: 'user', parts: [{ type: 'text', text }] };
}

async function callRoute(body: unknown): Promise<RouteResult> {
  const response = await POST(
    new Request('http://127.0.0.1/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const raw = await response.text();
  if (!response.ok) return { status: response.status, chunks: [], error: parseChatError(raw), raw };
  const chunks = raw
    .split('\n')
    .filter(line => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map(line => JSON.parse(line.slice(6)) as Record<string, unknown>);
  const errorChunk = chunks.find(chunk => chunk.type === 'error');
  return {
    status: response.status,
    chunks,
    raw,
    ...(errorChunk ? { error: parseChatError(String(errorChunk.errorText)) } : {}),
  };
}

function ask(text: string, model?: string) {
  return callRoute({ messages: [userMessage(text)], ...(model ? { model } : {}) });
}

function statusesSince(from: number): (number | undefined)[] {
  return emulator.requests
    .slice(from)
    .filter(request => request.path === CHAT_PATH)
    .map(request => request.status);
}

function expectNothingInternal(result: RouteResult, ...secrets: string[]): void {
  for (const secret of secrets) expect(result.raw).not.toContain(secret);
  expect(result.raw).not.toMatch(/\\n\s+at |APICallError|node_modules/);
}

describe('examples/next chat route', () => {
  beforeAll(async () => {
    for (const name of ENV_NAMES) savedEnv.set(name, process.env[name]);
    emulator = await startEmulator({ port: 0, apiKeys: [API_KEY] });
  });

  beforeEach(() => {
    process.env.ALAYA_API_KEY = API_KEY;
    process.env.ALAYA_BASE_URL = emulator.url;
    process.env.ALAYA_CONSOLE_USAGE_URL = USAGE_URL;
  });

  afterEach(() => {
    for (const [name, value] of savedEnv) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  afterAll(async () => {
    await emulator.close();
  });

  it('streams reasoning and text, and reports the model and zero retries when it finishes', async () => {
    const before = emulator.requests.length;
    const result = await ask('Hello there.', 'glm-5.1');
    expect(result.status).toBe(200);
    expect(result.error).toBeUndefined();
    const types = new Set(result.chunks.map(chunk => chunk.type));
    expect(types).toContain('reasoning-delta');
    const text = result.chunks
      .filter(chunk => chunk.type === 'text-delta')
      .map(chunk => chunk.delta)
      .join('');
    expect(text.trim().length).toBeGreaterThan(0);
    const finish = result.chunks.find(chunk => chunk.type === 'finish');
    expect(finish?.messageMetadata).toEqual({ model: 'glm-5.1', retries: 0 });
    expect(statusesSince(before)).toEqual([200]);
  });

  it('runs the calculator on the server and streams its result', async () => {
    const result = await ask('Use the calculator: what is 7 and 3?');
    const available = result.chunks.find(chunk => chunk.type === 'tool-input-available');
    const output = result.chunks.find(chunk => chunk.type === 'tool-output-available');
    expect(available?.toolName).toBe('calculator');
    const input = available?.input as { a: number; operation: string; b: number };
    expect([input.a, input.b]).toEqual([7, 3]);
    const expected = { add: 10, subtract: 4, multiply: 21, divide: 2.33333333333 }[input.operation];
    expect(output?.output).toEqual({ result: expected });
  });

  it('says the key was rejected on a 401, without the key', async () => {
    process.env.ALAYA_API_KEY = 'sk-wrong-key-5b8e';
    const before = emulator.requests.length;
    const result = await ask('Hi');
    expect(result.error?.kind).toBe('authentication');
    expect(result.error?.message).toContain('ALAYA_API_KEY');
    expect(statusesSince(before)).toEqual([401]);
    expectNothingInternal(result, 'sk-wrong-key-5b8e', API_KEY);
  });

  it('on a 402, says in plain words that the account has nothing left to spend and what to do, links the console, and does not retry', async () => {
    const before = emulator.requests.length;
    emulator.enqueueFaults([{ match: { path: CHAT_PATH }, status: 402 }]);
    const result = await ask('Hi');
    expect(result.error).toMatchObject({
      kind: 'insufficient_quota',
      link: { href: USAGE_URL, label: 'Check usage in the Alaya console' },
    });
    const message = result.error?.message ?? '';
    expect(message).toContain('has nothing left to spend');
    expect(message).toContain('monthly spending limit');
    expect(message).toContain('buy a booster pack (extra credit)');
    expect(message).toContain('then try again');
    expect(message).not.toMatch(CONSOLE_JARGON);
    expect(statusesSince(before)).toEqual([402]);
    expectNothingInternal(result, API_KEY);
  });

  it('on a 429 that outlasts the retries, says in plain words that Alaya is too busy and to wait a minute', async () => {
    const before = emulator.requests.length;
    emulator.enqueueFaults([
      { match: { path: CHAT_PATH }, status: 429, retryAfterMs: '20', times: 3 },
    ]);
    const result = await ask('Hi');
    expect(result.error).toMatchObject({ kind: 'rate_limit', retries: 2 });
    const message = result.error?.message ?? '';
    expect(message).toContain(
      'Alaya is too busy to answer right now, even after 2 automatic retries',
    );
    expect(message).toContain('more requests per minute than its plan allows');
    expect(message).toContain('Wait a minute, then try again');
    expect(message).not.toMatch(CONSOLE_JARGON);
    expect(statusesSince(before)).toEqual([429, 429, 429]);
  });

  it('names the model on a 403 and on an unknown model', async () => {
    emulator.enqueueFaults([{ match: { path: CHAT_PATH }, status: 403 }]);
    const denied = await ask('Hi', 'glm-5.1');
    expect(denied.error?.kind).toBe('permission_denied');
    expect(denied.error?.message).toContain('does not include glm-5.1');

    const unknown = await ask('Hi', 'glm-0');
    expect(unknown.error?.kind).toBe('not_found');
    expect(unknown.error?.message).toContain('could not find glm-0');
    expect(unknown.error?.message).toContain('ALAYA_BASE_URL ends in /v1');
  });

  it('answers 500 with a configuration message when the server has no key', async () => {
    delete process.env.ALAYA_API_KEY;
    const before = emulator.requests.length;
    const result = await ask('Hi');
    expect(result.status).toBe(500);
    expect(result.error?.kind).toBe('configuration');
    expect(emulator.requests.length).toBe(before);
  });

  it('rejects malformed requests with 400 before calling Alaya', async () => {
    const before = emulator.requests.length;
    for (const body of [
      'not json',
      { messages: [] },
      { messages: [{ role: 'user' }] },
      { messages: [userMessage('Hi')], model: 'glm 5; rm -rf' },
    ]) {
      const result = await callRoute(body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.error?.kind).toBe('bad_request');
    }
    expect(emulator.requests.length).toBe(before);
  });
});

describe('examples/next helpers', () => {
  it('calculates exactly enough and refuses division by zero', () => {
    expect(calculate({ a: 0.1, operation: 'add', b: 0.2 })).toBe(0.3);
    expect(calculate({ a: 12.5, operation: 'multiply', b: 8 })).toBe(100);
    expect(calculate({ a: 1, operation: 'divide', b: 3 })).toBe(0.333333333333);
    expect(() => calculate({ a: 1, operation: 'divide', b: 0 })).toThrow('Division by zero.');
    expect(() => calculate({ a: 1e308, operation: 'multiply', b: 10 })).toThrow('too large');
  });

  it('round-trips a chat error and turns anything else into a generic message', () => {
    const error: ChatError = {
      kind: 'insufficient_quota',
      message: 'Quota used up.',
      link: { href: 'https://console.example.test/usage', label: 'Usage' },
    };
    expect(parseChatError(serializeChatError(error))).toEqual(error);
    for (const text of [
      '<html>502 Bad Gateway</html>',
      '{"kind":"x"}',
      '{"kind":"x","message":"m","link":{"href":"javascript:alert(1)","label":"l"}}',
      '{"kind":"x","message":"m","retries":"2"}',
    ]) {
      expect(parseChatError(text), text).toEqual({
        kind: 'unknown',
        message: expect.stringContaining('try again'),
      });
    }
  });
});
