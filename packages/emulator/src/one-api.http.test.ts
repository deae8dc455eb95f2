/**
 * The `one-api` error style over real HTTP: the bodies a One API gateway in front of Alaya sends
 * (a Chinese message with ` (request id: …)` appended, One API's `type` values, the saturation 429
 * typed `insufficient_quota`), as an emulator option, a fault field, the fault header and the admin API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_HEADER } from './handle-request';
import { ONE_API_SATURATION_MESSAGE, oneApiRequestId } from './one-api-envelope';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, get, post, readSse } from './test-http';

const ONE_API_ID = /^\d{22}$/;

let oneApi: Emulator;
let alaya: Emulator;

beforeAll(async () => {
  oneApi = await startEmulator({
    errorStyle: 'one-api',
    apiKeys: ['test-key', { key: 'spent', quotaTokens: 0 }],
  });
  alaya = await startEmulator();
});
afterEach(() => {
  oneApi.reset();
  alaya.reset();
  oneApi.setLimits({});
});
afterAll(async () => {
  await oneApi.close();
  await alaya.close();
});

/** The body and request id of an error answer, checking One API's header and id format. */
async function oneApiError(response: Response, emulator = oneApi) {
  const id = response.headers.get('x-oneapi-request-id');
  expect(id).toMatch(ONE_API_ID);
  expect(response.headers.get('x-request-id')).toBeNull();
  expect(id).toBe(emulator.requests.at(-1)?.id);
  const body = (await response.json()) as { error: Record<string, unknown> };
  return { id: id as string, error: body.error };
}

describe('errorStyle one-api: the saturation 429', () => {
  it('a 429 fault is the saturation message with its request id and type insufficient_quota', async () => {
    oneApi.enqueueFaults({ status: 429 });
    const response = await post(oneApi, '/chat/completions', chatBody());
    expect(response.status).toBe(429);
    const { id, error } = await oneApiError(response);
    expect(error).toEqual({
      message: `${ONE_API_SATURATION_MESSAGE} (request id: ${id})`,
      type: 'insufficient_quota',
      code: 'rate_limit_exceeded',
    });
  });

  it.each(['upstream_error', 'new_api_error', 'rate_limit_exceeded', 'insufficient_quota'])(
    "a fault's type %s keeps the saturation message",
    async type => {
      oneApi.enqueueFaults({ status: 429, type });
      const { id, error } = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
      expect(error.type).toBe(type);
      expect(error.message).toBe(`${ONE_API_SATURATION_MESSAGE} (request id: ${id})`);
    },
  );

  it("the plan's rate limit answers the same body, with Retry-After", async () => {
    oneApi.setLimits({ rpm: 1 });
    expect((await post(oneApi, '/chat/completions', chatBody())).status).toBe(200);
    const response = await post(oneApi, '/chat/completions', chatBody());
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const { id, error } = await oneApiError(response);
    expect(error).toMatchObject({
      message: `${ONE_API_SATURATION_MESSAGE} (request id: ${id})`,
      type: 'insufficient_quota',
    });
  });

  it('is deterministic: the same fault gives the same body but for the id, and ids count up', async () => {
    oneApi.enqueueFaults({ status: 429, times: 2 });
    const first = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
    const second = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
    const strip = (error: Record<string, unknown>, id: string) =>
      JSON.stringify(error).replace(id, '<id>');
    expect(strip(second.error, second.id)).toBe(strip(first.error, first.id));
    expect(Number(second.id.slice(14))).toBe(Number(first.id.slice(14)) + 1);
  });
});

describe('errorStyle one-api: every other error body', () => {
  it('a genuine quota: 402 of a spent key, and a 429 fault with code insufficient_quota', async () => {
    const spent = await post(oneApi, '/chat/completions', chatBody(), { key: 'spent' });
    expect(spent.status).toBe(402);
    const quota = await oneApiError(spent);
    expect(quota.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
    expect(quota.error.message).toMatch(/^用户额度不足.*购买加油包 \(request id: \d{22}\)$/);
    oneApi.enqueueFaults({ status: 429, code: 'insufficient_quota' });
    const fault = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
    expect(fault.error.message).toMatch(/^用户额度不足/);
    expect(fault.error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' });
  });

  it("the emulator's own errors (401, 404, 400) are One API bodies and never hold the key", async () => {
    const wrongKey = 'sk-wrong-0123456789abcdef';
    const denied = await post(oneApi, '/chat/completions', chatBody(), { key: wrongKey });
    expect(denied.status).toBe(401);
    const auth = await oneApiError(denied);
    expect(auth.error).toEqual({
      message: `无效的令牌 (request id: ${auth.id})`,
      type: 'new_api_error',
      code: 'invalid_api_key',
    });
    expect(JSON.stringify(auth.error)).not.toContain('0123456789abcdef');
    const unknown = await oneApiError(
      await post(oneApi, '/chat/completions', chatBody({ model: 'no-such-model' })),
    );
    expect(unknown.error).toMatchObject({ type: 'new_api_error', code: 'model_not_found' });
    expect(unknown.error.message).toBe(`路径或模型名称无效 (request id: ${unknown.id})`);
    const invalid = await oneApiError(await post(oneApi, '/chat/completions', '{not json'));
    expect(invalid.error.message).toMatch(/^请求格式错误/);
  });

  it("a fault's own message wins, with the request id appended", async () => {
    oneApi.enqueueFaults({ status: 503, message: '渠道维护中' });
    const { id, error } = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
    expect(error).toEqual({
      message: `渠道维护中 (request id: ${id})`,
      type: 'new_api_error',
      code: 'service_unavailable',
    });
  });

  it.each([
    [502, 'upstream_error'],
    [504, 'upstream_error'],
    [500, 'new_api_error'],
    [418, 'new_api_error'],
    [599, 'upstream_error'],
  ])('status %i has type %s', async (status, type) => {
    oneApi.enqueueFaults({ status });
    const { error } = await oneApiError(await post(oneApi, '/chat/completions', chatBody()));
    expect(error.type).toBe(type);
    expect(error.message).toMatch(/[\u4e00-\u9fff].* \(request id: \d{22}\)$/);
  });

  it('a stream error event is a One API body with the request id', async () => {
    oneApi.enqueueFaults({ streamError: true, afterChunks: 1 });
    const response = await post(oneApi, '/chat/completions', chatBody({ stream: true }));
    const id = response.headers.get('x-oneapi-request-id');
    expect(id).toMatch(ONE_API_ID);
    const { events } = await readSse(response);
    expect(JSON.parse(events.at(-1) as string)).toEqual({
      error: {
        message: `上游流式响应中断 (request id: ${id})`,
        type: 'upstream_error',
        code: 'stream_error',
      },
    });
  });
});

describe('the errorStyle fault field, on an emulator in the alaya style', () => {
  it('enqueued: the body is One API-shaped, the header stays x-request-id', async () => {
    alaya.enqueueFaults({ status: 429, errorStyle: 'one-api' });
    const response = await post(alaya, '/chat/completions', chatBody());
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^req_/);
    expect((await response.json()).error).toEqual({
      message: `${ONE_API_SATURATION_MESSAGE} (request id: ${id})`,
      type: 'insufficient_quota',
      code: 'rate_limit_exceeded',
    });
    const next = await post(alaya, '/chat/completions', chatBody({ model: 'nope' }));
    expect((await next.json()).error.message).toMatch(/^The model 'nope' does not exist/);
  });

  it('through the fault header and the admin API', async () => {
    const fault = JSON.stringify({ status: 429, errorStyle: 'one-api', type: 'upstream_error' });
    const byHeader = await post(alaya, '/chat/completions', chatBody(), {
      headers: { [FAULT_HEADER]: fault },
    });
    expect((await byHeader.json()).error).toMatchObject({
      message: expect.stringContaining(ONE_API_SATURATION_MESSAGE),
      type: 'upstream_error',
    });
    const queued = await fetch(`${alaya.origin}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: fault,
    });
    expect(queued.status).toBe(200);
    const byAdmin = await post(alaya, '/chat/completions', chatBody());
    expect((await byAdmin.json()).error.message).toMatch(
      /^当前分组上游负载已饱和，请稍后再试 \(request id: req_[0-9a-f]+\)$/,
    );
  });

  it("errorStyle 'alaya' on a one-api emulator gives the error guide's body", async () => {
    oneApi.enqueueFaults({ status: 429, errorStyle: 'alaya' });
    const response = await post(oneApi, '/chat/completions', chatBody());
    expect((await response.json()).error).toMatchObject({
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      message: expect.stringMatching(/^Rate limit exceeded/),
    });
  });

  it('an unknown style is refused: a clear fault error (admin 400), a TypeError at start', async () => {
    const refused = await fetch(`${alaya.origin}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 429, errorStyle: 'new-api' }),
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error.message).toContain(
      'errorStyle must be "alaya" or "one-api"',
    );
    expect(() => alaya.enqueueFaults({ status: 429, errorStyle: 'x' as 'alaya' })).toThrow(
      /errorStyle/,
    );
    await expect(startEmulator({ errorStyle: 'oneapi' as 'one-api' })).rejects.toThrow(TypeError);
  });

  it('the alaya style (the default) is unchanged: x-request-id, English, no request id suffix', async () => {
    alaya.enqueueFaults({ status: 429 });
    const response = await post(alaya, '/chat/completions', chatBody());
    expect(response.headers.get('x-oneapi-request-id')).toBeNull();
    expect((await response.json()).error.message).not.toContain('request id');
    expect((await get(alaya, '/models')).headers.get('x-request-id')).toMatch(/^req_/);
  });
});

describe('oneApiRequestId', () => {
  const time = Date.UTC(2026, 11, 7, 10, 54, 15, 999);

  it('is the UTC time to the second, then the sequence in 8 digits', () => {
    expect(oneApiRequestId(time, 42)).toBe('2026120710541500000042');
    expect(oneApiRequestId(time, 99_999_999)).toBe('2026120710541599999999');
  });

  it('wraps the sequence at 10^8, so the id stays 22 digits', () => {
    expect(oneApiRequestId(time, 100_000_000)).toBe('2026120710541500000000');
    expect(oneApiRequestId(time, 100_000_001)).toMatch(ONE_API_ID);
  });
});
