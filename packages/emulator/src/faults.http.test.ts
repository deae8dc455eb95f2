import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, get, post, readSse, sseData } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const SEED = [
  [400, 'invalid_request_error', 'invalid_request'],
  [401, 'authentication_error', 'invalid_api_key'],
  [402, 'insufficient_quota', 'insufficient_quota'],
  [403, 'permission_denied', 'model_not_in_plan'],
  [404, 'invalid_request_error', 'not_found'],
  [429, 'rate_limit_error', 'rate_limit_exceeded'],
  [500, 'server_error', 'internal_error'],
  [502, 'upstream_error', 'bad_gateway'],
  [503, 'service_unavailable', 'service_unavailable'],
] as const;

describe('error faults', () => {
  it.each(SEED)('enqueued %i answers the seed envelope', async (status, type, code) => {
    emulator.enqueueFaults([{ status }]);
    const response = await post(emulator, '/chat/completions', chatBody());
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const body = await response.json();
    expect(body.error).toMatchObject({ type, code });
    expect(typeof body.error.message).toBe('string');
    const next = await post(emulator, '/chat/completions', chatBody());
    expect(next.status).toBe(200);
  });

  it('applies faults in order and honours times and match', async () => {
    emulator.enqueueFaults([
      { status: 502, match: { model: 'glm-5.1' } },
      { status: 503, times: 2 },
    ]);
    const statuses: number[] = [];
    statuses.push((await post(emulator, '/chat/completions', chatBody())).status);
    statuses.push(
      (await post(emulator, '/chat/completions', chatBody({ model: 'glm-5.1' }))).status,
    );
    statuses.push(
      (await post(emulator, '/chat/completions', chatBody({ model: 'glm-5.1' }))).status,
    );
    statuses.push((await post(emulator, '/chat/completions', chatBody())).status);
    expect(statuses).toEqual([503, 502, 503, 200]);
    expect(emulator.pendingFaults()).toEqual([]);
  });

  it('matches faults by path', async () => {
    emulator.enqueueFaults({ status: 500, match: { path: '/v1/embeddings' } });
    expect((await get(emulator, '/models')).status).toBe(200);
    expect(emulator.pendingFaults()).toHaveLength(1);
    expect((await post(emulator, '/embeddings', { model: 'glm-5.2', input: 'x' })).status).toBe(
      500,
    );
  });

  it('overrides message, type and code, and adds headers', async () => {
    emulator.enqueueFaults({
      status: 429,
      code: 'insufficient_quota',
      type: 'insufficient_quota',
      message: 'You exceeded your current quota',
      headers: { 'x-should-retry': 'false', 'x-request-id': 'req_custom' },
    });
    const response = await post(emulator, '/chat/completions', chatBody());
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect(response.headers.get('x-request-id')).toBe('req_custom');
    expect(await response.json()).toEqual({
      error: {
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      },
    });
  });

  it.each(['1', 'Wed, 21 Oct 2015 07:28:00 GMT', '-1', 'abc', '1e9'])(
    'sends Retry-After %s verbatim',
    async retryAfter => {
      emulator.enqueueFaults({ status: 429, retryAfter, retryAfterMs: '1500' });
      const response = await post(emulator, '/chat/completions', chatBody());
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe(retryAfter);
      expect(response.headers.get('retry-after-ms')).toBe('1500');
    },
  );

  it('sends HTML, text, empty, truncated JSON and raw bodies', async () => {
    emulator.enqueueFaults([
      { status: 502, body: 'html' },
      { status: 503, body: 'text' },
      { status: 504, body: 'empty' },
      { status: 500, body: 'truncated-json' },
      { status: 500, body: { raw: 'oops' }, contentType: 'text/x-custom' },
    ]);
    const html = await post(emulator, '/chat/completions', chatBody());
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await html.text()).toContain('<h1>502 Bad Gateway</h1>');
    const text = await post(emulator, '/chat/completions', chatBody());
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('503 Service Unavailable');
    const empty = await post(emulator, '/chat/completions', chatBody());
    expect(empty.status).toBe(504);
    expect(empty.headers.get('content-type')).toBeNull();
    expect(await empty.text()).toBe('');
    const truncated = await post(emulator, '/chat/completions', chatBody());
    const truncatedText = await truncated.text();
    expect(truncatedText.startsWith('{"error":{')).toBe(true);
    expect(() => JSON.parse(truncatedText)).toThrow();
    const raw = await post(emulator, '/chat/completions', chatBody());
    expect(raw.headers.get('content-type')).toBe('text/x-custom');
    expect(await raw.text()).toBe('oops');
  });

  it('answers 200 with a non-JSON body for nonJson200', async () => {
    emulator.enqueueFaults([
      { nonJson200: true },
      { nonJson200: 'plain words', contentType: 'application/json' },
    ]);
    const first = await post(emulator, '/chat/completions', chatBody());
    expect(first.status).toBe(200);
    await expect(first.json()).rejects.toThrow();
    const second = await post(emulator, '/chat/completions', chatBody());
    expect(second.headers.get('content-type')).toBe('application/json');
    expect(await second.text()).toBe('plain words');
  });

  it('takes a fault from the request header', async () => {
    const response = await post(emulator, '/chat/completions', chatBody(), {
      headers: { 'x-alaya-emulator-fault': '{"status":503,"retryAfter":"2"}' },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    const bad = await post(emulator, '/chat/completions', chatBody(), {
      headers: { 'x-alaya-emulator-fault': '{"status":"x"}' },
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_emulator_fault');
    const notJson = await post(emulator, '/chat/completions', chatBody(), {
      headers: { 'x-alaya-emulator-fault': 'nope' },
    });
    expect(notJson.status).toBe(400);
  });

  it('lets a header fault win without consuming the queue', async () => {
    emulator.enqueueFaults({ status: 500 });
    const response = await post(emulator, '/chat/completions', chatBody(), {
      headers: { 'x-alaya-emulator-fault': '{"status":502}' },
    });
    expect(response.status).toBe(502);
    expect(emulator.pendingFaults()).toHaveLength(1);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(500);
  });

  it('rejects invalid faults given to enqueueFaults', () => {
    expect(() => emulator.enqueueFaults({ status: 42 })).toThrow(/status/);
    expect(() => emulator.enqueueFaults({ reset: 'sometimes' as never })).toThrow(/reset/);
    expect(() => emulator.enqueueFaults({ bogus: 1 } as never)).toThrow(/bogus/);
    expect(emulator.pendingFaults()).toEqual([]);
  });
});

describe('connection faults', () => {
  it('resets the connection before headers so fetch rejects', async () => {
    emulator.enqueueFaults({ reset: 'before-headers' });
    await expect(post(emulator, '/chat/completions', chatBody())).rejects.toThrow(TypeError);
    const record = emulator.requests.at(-1)!;
    expect(record.outcome).toBe('reset');
    expect(record.status).toBeUndefined();
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
  });

  it('drops the stream after N chunks for a mid-stream reset', async () => {
    emulator.enqueueFaults({ reset: 'mid-stream', afterChunks: 3 });
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }));
    expect(response.status).toBe(200);
    const { events, error } = await readSse(response);
    expect(error).toBeInstanceOf(TypeError);
    expect(events).toHaveLength(3);
    expect(events).not.toContain('[DONE]');
    expect(emulator.requests.at(-1)).toMatchObject({ outcome: 'reset', chunks: 3, status: 200 });
  });

  it('cuts a JSON body in half for a mid-stream reset on a non-streaming request', async () => {
    emulator.enqueueFaults({ reset: 'mid-stream' });
    const response = await post(emulator, '/chat/completions', chatBody());
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('sends an SSE error event mid-stream and ends without [DONE]', async () => {
    emulator.enqueueFaults({
      streamError: { message: 'upstream died', code: 'upstream_error' },
      afterChunks: 2,
    });
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }));
    const data = sseData(await response.text());
    expect(data).toHaveLength(3);
    expect(JSON.parse(data[2]!)).toEqual({
      error: { message: 'upstream died', type: 'server_error', code: 'upstream_error' },
    });
  });

  it('delays the first byte', async () => {
    emulator.enqueueFaults({ firstByteDelayMs: 150 });
    const started = Date.now();
    const response = await post(emulator, '/chat/completions', chatBody());
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(200);
  });

  it('delays the first byte of an error and the chunks of a slow body', async () => {
    emulator.enqueueFaults({ status: 503, firstByteDelayMs: 100 });
    const started = Date.now();
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(503);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    emulator.enqueueFaults({ chunkDelayMs: 30 });
    const slowStart = Date.now();
    const response = await post(
      emulator,
      '/chat/completions',
      chatBody({ stream: true, thinking: { type: 'disabled' } }),
      {
        headers: { 'x-alaya-emulator-stream': '{"chunks":4}' },
      },
    );
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    expect(Date.now() - slowStart).toBeGreaterThanOrEqual(30 * (data.length - 2));
  });

  it('lets a client abort a slow stream cleanly', async () => {
    emulator.enqueueFaults({ chunkDelayMs: 50 });
    const controller = new AbortController();
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect(reader.read()).rejects.toThrow();
    await waitFor(() => emulator.requests.at(-1)?.outcome === 'aborted');
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
  });

  it('lets a client abort during a slow first byte', async () => {
    emulator.enqueueFaults({ firstByteDelayMs: 10_000 });
    const controller = new AbortController();
    const pending = post(emulator, '/chat/completions', chatBody(), { signal: controller.signal });
    await waitFor(() => emulator.requests.at(-1)?.fault !== undefined);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await waitFor(() => emulator.requests.at(-1)?.outcome === 'aborted');
    expect(emulator.requests.at(-1)?.status).toBeUndefined();
  });
});

describe('admin endpoints', () => {
  it('queues faults, lists requests, sets limits and resets over HTTP', async () => {
    const queued = await fetch(`${emulator.origin}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify([
        { status: 429, retryAfter: '1' },
        { status: 502, body: 'html' },
      ]),
    });
    expect(await queued.json()).toEqual({ ok: true, queued: 2, pending: 2 });
    const listed = await (await fetch(`${emulator.origin}/__emulator/faults`)).json();
    expect(listed.data).toHaveLength(2);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(429);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(502);
    const requests = await (await fetch(`${emulator.origin}/__emulator/requests`)).json();
    expect(requests.data.map((r: { status: number }) => r.status)).toEqual([429, 502]);
    expect(requests.data[0].fault).toEqual({ status: 429, retryAfter: '1' });

    const limits = await fetch(`${emulator.origin}/__emulator/limits`, {
      method: 'POST',
      body: JSON.stringify({ rpm: 1, windowMs: 60_000 }),
    });
    expect(await limits.json()).toEqual({ rpm: 1, windowMs: 60_000 });
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(429);
    const badLimits = await fetch(`${emulator.origin}/__emulator/limits`, {
      method: 'POST',
      body: JSON.stringify({ rpm: -3 }),
    });
    expect(badLimits.status).toBe(400);

    const reset = await fetch(`${emulator.origin}/__emulator/reset`, { method: 'POST' });
    expect(await reset.json()).toEqual({ ok: true });
    expect(emulator.requests).toHaveLength(0);
    await fetch(`${emulator.origin}/__emulator/limits`, { method: 'POST', body: '{}' });
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
  });

  it('rejects invalid faults and unknown admin paths', async () => {
    const bad = await fetch(`${emulator.origin}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify([{ status: 429 }, { body: 'xml' }]),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('[1]');
    expect(emulator.pendingFaults()).toEqual([]);
    const notJson = await fetch(`${emulator.origin}/__emulator/faults`, {
      method: 'POST',
      body: '{',
    });
    expect(notJson.status).toBe(400);
    const unknown = await fetch(`${emulator.origin}/__emulator/nope`);
    expect(unknown.status).toBe(404);
    const health = await fetch(`${emulator.origin}/__emulator/health`);
    expect(health.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await health.json()).toEqual({ ok: true });
  });

  it('clears faults and requests with DELETE', async () => {
    emulator.enqueueFaults([{ status: 500 }]);
    await get(emulator, '/models');
    expect(emulator.requests).toHaveLength(1);
    emulator.enqueueFaults([{ status: 500 }]);
    await fetch(`${emulator.origin}/__emulator/faults`, { method: 'DELETE' });
    expect(emulator.pendingFaults()).toEqual([]);
    await fetch(`${emulator.origin}/__emulator/requests`, { method: 'DELETE' });
    expect(emulator.requests).toHaveLength(0);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}
