import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, get, post } from './test-http';

let emulator: Emulator;
const logLines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: [
      'test-key',
      { key: 'plan-key', models: ['glm-5.1'] },
      { key: 'tiny-quota', quotaTokens: 20 },
      'secret key',
    ],
    embeddingDimensions: 64,
    maxBodyBytes: 64 * 1024,
    logger: line => logLines.push(line),
  });
});
afterAll(() => emulator.close());

describe('GET /v1/models', () => {
  it('lists the default models in OpenAI format', async () => {
    const response = await get(emulator, '/models');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.object).toBe('list');
    expect(body.data.map((m: { id: string }) => m.id)).toEqual([
      'minimax-m2.5',
      'minimax-m2.1',
      'glm-5',
      'glm-5.1',
      'deepseek-v4-pro',
      'glm-5.2',
      'deepseek-v4-flash',
      'bge-m3',
    ]);
    expect(body.data[0]).toEqual({
      id: 'minimax-m2.5',
      object: 'model',
      created: 1_767_225_600,
      owned_by: 'alaya',
    });
  });

  it('retrieves one model or answers 404', async () => {
    expect(await (await get(emulator, '/models/glm-5.1')).json()).toMatchObject({
      id: 'glm-5.1',
      object: 'model',
    });
    const missing = await get(emulator, '/models/gpt-9');
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('model_not_found');
  });

  it('needs a key', async () => {
    const response = await get(emulator, '/models', { key: null });
    expect(response.status).toBe(401);
  });
});

describe('POST /v1/embeddings', () => {
  it('returns deterministic unit vectors with usage', async () => {
    const response = await post(emulator, '/embeddings', {
      model: 'glm-5.2',
      input: ['alpha', 'beta'],
    });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'list', model: 'glm-5.2' });
    expect(body.data).toHaveLength(2);
    const [a, b] = body.data;
    expect(a).toMatchObject({ object: 'embedding', index: 0 });
    expect(a.embedding).toHaveLength(64);
    const norm = Math.sqrt(a.embedding.reduce((sum: number, x: number) => sum + x * x, 0));
    expect(norm).toBeCloseTo(1, 6);
    expect(b.embedding).not.toEqual(a.embedding);
    expect(body.usage.prompt_tokens).toBe(body.usage.total_tokens);
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    const again = await (
      await post(emulator, '/embeddings', { model: 'glm-5.2', input: 'alpha' })
    ).json();
    expect(again.data[0].embedding).toEqual(a.embedding);
  });

  it('honours dimensions and base64 encoding', async () => {
    const floats = await (
      await post(emulator, '/embeddings', { model: 'glm-5.2', input: 'x', dimensions: 8 })
    ).json();
    expect(floats.data[0].embedding).toHaveLength(8);
    const encoded = await (
      await post(emulator, '/embeddings', {
        model: 'glm-5.2',
        input: 'x',
        dimensions: 8,
        encoding_format: 'base64',
      })
    ).json();
    const bytes = Buffer.from(encoded.data[0].embedding, 'base64');
    const decoded = Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4));
    decoded.forEach((value, i) => {
      expect(value).toBeCloseTo(floats.data[0].embedding[i], 6);
    });
  });

  it('validates input and dimensions', async () => {
    for (const body of [
      { model: 'glm-5.2' },
      { model: 'glm-5.2', input: [] },
      { model: 'glm-5.2', input: [{}] },
      { model: 'glm-5.2', input: 'x', dimensions: 0 },
      { model: 'glm-5.2', input: 'x', encoding_format: 'hex' },
      { input: 'x' },
    ]) {
      const response = await post(emulator, '/embeddings', body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.type).toBe('invalid_request_error');
    }
    const tokens = await post(emulator, '/embeddings', { model: 'glm-5.2', input: [[1, 2], [3]] });
    expect((await tokens.json()).data).toHaveLength(2);
    expect((await post(emulator, '/embeddings', { model: 'nope', input: 'x' })).status).toBe(404);
  });
});

describe('validation as the service does it', () => {
  it.each([
    ['bad JSON', '{"model":', 'invalid_json', undefined],
    ['empty body', '', 'invalid_json', undefined],
    ['a JSON array', '[1,2]', 'invalid_json', undefined],
    [
      'missing model',
      { messages: [{ role: 'user', content: 'x' }] },
      'missing_required_parameter',
      'model',
    ],
    ['missing messages', { model: 'glm-5.2' }, 'missing_required_parameter', 'messages'],
    ['empty messages', { model: 'glm-5.2', messages: [] }, 'invalid_value', 'messages'],
    [
      'bad role',
      { model: 'glm-5.2', messages: [{ role: 'robot', content: 'x' }] },
      'invalid_value',
      'messages[0].role',
    ],
    [
      'bad content',
      { model: 'glm-5.2', messages: [{ role: 'user', content: 5 }] },
      'invalid_type',
      'messages[0].content',
    ],
    [
      'tool without id',
      { model: 'glm-5.2', messages: [{ role: 'tool', content: 'x' }] },
      'missing_required_parameter',
      'messages[0].tool_call_id',
    ],
    ['bad stream', chatBody({ stream: 'yes' }), 'invalid_type', 'stream'],
    ['bad max_tokens', chatBody({ max_tokens: 0 }), 'invalid_value', 'max_tokens'],
    ['bad tools', chatBody({ tools: {} }), 'invalid_type', 'tools'],
    [
      'bad tool name',
      chatBody({ tools: [{ type: 'function', function: { name: 'a b' } }] }),
      'invalid_value',
      'tools[0].function.name',
    ],
    ['bad tool_choice', chatBody({ tool_choice: 'sometimes' }), 'invalid_value', 'tool_choice'],
    [
      'bad response_format',
      chatBody({ response_format: { type: 'xml' } }),
      'invalid_value',
      'response_format.type',
    ],
  ])('answers 400 for %s', async (_name, body, code, param) => {
    const response = await post(emulator, '/chat/completions', body);
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error.type).toBe('invalid_request_error');
    expect(error.code).toBe(code);
    expect(error.param).toBe(param);
  });

  it('answers 401 for a missing, malformed or unknown key, without echoing it', async () => {
    for (const key of [null, 'wrong-key']) {
      const response = await post(emulator, '/chat/completions', chatBody(), { key });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(JSON.parse(text).error).toMatchObject({
        type: 'authentication_error',
        code: 'invalid_api_key',
      });
      expect(text).not.toContain('wrong-key');
    }
    const basic = await post(emulator, '/chat/completions', chatBody(), {
      key: null,
      headers: { authorization: 'Basic abc' },
    });
    expect(basic.status).toBe(401);
  });

  it('rejects a key with extra whitespace (the provider must trim)', async () => {
    const padded = await post(emulator, '/chat/completions', chatBody(), {
      key: null,
      headers: { authorization: 'Bearer  test-key' },
    });
    expect(padded.status).toBe(401);
    const inner = await post(emulator, '/chat/completions', chatBody(), { key: 'secret key' });
    expect(inner.status).toBe(200);
  });

  it('answers 404 for an unknown model and unknown paths', async () => {
    const model = await post(emulator, '/chat/completions', chatBody({ model: 'gpt-9' }));
    expect(model.status).toBe(404);
    expect((await model.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const path = await post(emulator, '/chat/complete', chatBody());
    expect(path.status).toBe(404);
    expect((await path.json()).error.code).toBe('unknown_path');
    const noV1 = await fetch(`${emulator.origin}/chat/completions`, { method: 'POST', body: '{}' });
    expect(noV1.status).toBe(404);
    expect((await noV1.json()).error.message).toContain('/v1');
  });

  it('answers 405 with Allow for a wrong method', async () => {
    const response = await get(emulator, '/chat/completions');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect((await response.json()).error.code).toBe('method_not_allowed');
    expect((await post(emulator, '/models', {})).status).toBe(405);
  });

  it('answers 403 for a model outside the key plan', async () => {
    const denied = await post(emulator, '/chat/completions', chatBody(), { key: 'plan-key' });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error).toMatchObject({
      type: 'permission_denied',
      code: 'model_not_in_plan',
    });
    const allowed = await post(emulator, '/chat/completions', chatBody({ model: 'glm-5.1' }), {
      key: 'plan-key',
    });
    expect(allowed.status).toBe(200);
  });

  it('answers 402 once the key quota is used up', async () => {
    const first = await post(emulator, '/chat/completions', chatBody(), { key: 'tiny-quota' });
    expect(first.status).toBe(200);
    const second = await post(emulator, '/chat/completions', chatBody(), { key: 'tiny-quota' });
    expect(second.status).toBe(402);
    expect((await second.json()).error).toMatchObject({
      type: 'insufficient_quota',
      code: 'insufficient_quota',
    });
  });

  it('answers 413 for a body over the cap', async () => {
    const huge = JSON.stringify(chatBody({}, 'x'.repeat(200 * 1024)));
    const response = await post(emulator, '/chat/completions', huge);
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe('request_too_large');
    const enormous = await post(emulator, '/chat/completions', 'x'.repeat(4 * 1024 * 1024));
    expect(enormous.status).toBe(413);
    expect((await enormous.json()).error.code).toBe('request_too_large');
    expect((await get(emulator, '/models')).status).toBe(200);
  });
});

describe('request log', () => {
  it('records time, method, path, model, stream, status and a key fingerprint, never the key', async () => {
    emulator.reset();
    const before = Date.now();
    await post(emulator, '/chat/completions', chatBody({ stream: true }), { key: 'secret key' });
    await post(emulator, '/chat/completions', chatBody(), { key: 'wrong-key' });
    await get(emulator, '/models?limit=1');
    const [chat, denied, models] = emulator.requests;
    expect(emulator.requests).toHaveLength(3);
    expect(chat).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'glm-5.2',
      stream: true,
      status: 200,
      outcome: 'completed',
    });
    expect(chat!.time).toBeGreaterThanOrEqual(before);
    expect(chat!.time).toBeLessThanOrEqual(Date.now());
    expect(chat!.keyFingerprint).toMatch(/^key_[0-9a-f]{8}$/);
    expect(chat!.chunks).toBeGreaterThan(3);
    expect(chat!.totalTokens).toBeGreaterThan(0);
    expect(denied).toMatchObject({ status: 401 });
    expect(denied!.keyFingerprint).not.toBe(chat!.keyFingerprint);
    expect(models).toMatchObject({ method: 'GET', path: '/v1/models', status: 200 });
    const serialized = JSON.stringify(emulator.requests) + logLines.join('\n');
    for (const key of ['secret key', 'wrong-key', 'test-key'])
      expect(serialized).not.toContain(key);
    expect(logLines.some(line => line.startsWith('POST /v1/chat/completions 200 completed'))).toBe(
      true,
    );
  });

  it('uses the logged id as x-request-id', async () => {
    const response = await get(emulator, '/models');
    expect(emulator.requests.at(-1)!.id).toBe(response.headers.get('x-request-id'));
  });
});

describe('startEmulator options', () => {
  it('rejects bad options', async () => {
    await expect(startEmulator({ port: -1 })).rejects.toThrow(/port/);
    await expect(startEmulator({ apiKeys: [] })).rejects.toThrow(/apiKeys/);
    await expect(startEmulator({ stream: { chunks: 0 } })).rejects.toThrow(/chunks/);
    await expect(startEmulator({ limits: { rpm: 0 } })).rejects.toThrow(/rpm/);
  });

  it('closes promptly while a response waits on a long first-byte delay', async () => {
    const local = await startEmulator({ stream: { firstByteDelayMs: 60_000 } });
    const pending = post(local, '/chat/completions', chatBody()).catch((error: unknown) => error);
    for (let i = 0; i < 100 && local.requests.length === 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    const started = Date.now();
    await local.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await pending).toBeInstanceOf(TypeError);
    expect(local.requests[0]?.outcome).toBe('aborted');
  });

  it('keeps at most maxRequestLog records, dropping the oldest', async () => {
    const local = await startEmulator({ maxRequestLog: 10 });
    try {
      for (let i = 0; i < 12; i++) await get(local, '/models');
      expect(local.requests.length).toBeLessThanOrEqual(10);
      expect(local.requests.length).toBeGreaterThanOrEqual(9);
      expect(local.requests.at(-1)?.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('settles every record when many clients abort slow streams', async () => {
    const local = await startEmulator({ stream: { chunkDelayMs: 200 } });
    const controllers = Array.from({ length: 20 }, () => new AbortController());
    const readers = await Promise.all(
      controllers.map(async controller => {
        const response = await post(local, '/chat/completions', chatBody({ stream: true }), {
          signal: controller.signal,
        });
        const reader = response.body!.getReader();
        await reader.read();
        return reader;
      }),
    );
    for (const controller of controllers) controller.abort();
    await Promise.all(readers.map(reader => reader.read().catch(() => undefined)));
    for (let i = 0; i < 100 && local.requests.some(r => r.outcome === 'pending'); i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    expect(local.requests.map(r => r.outcome)).toEqual(Array(20).fill('aborted'));
    await local.close();
  });

  it('binds 127.0.0.1 and closes idempotently, aborting in-flight streams', async () => {
    const local = await startEmulator({ stream: { chunkDelayMs: 1000 } });
    expect(local.url).toBe(`http://127.0.0.1:${local.port}/v1`);
    expect(local.origin).toBe(`http://127.0.0.1:${local.port}`);
    const response = await post(local, '/chat/completions', chatBody({ stream: true }));
    const reader = response.body!.getReader();
    await reader.read();
    await Promise.all([local.close(), local.close()]);
    await expect(reader.read()).rejects.toThrow();
    await expect(fetch(`${local.url}/models`)).rejects.toThrow();
  });
});

describe('connections', () => {
  it('keeps idle keep-alive connections 30 s, and close() still ends them at once', async () => {
    const own = await startEmulator({ apiKeys: ['k'] });
    const response = await get(own, '/models');
    await response.arrayBuffer();
    // Node's default of 5 s let a lagging client reuse a socket the server was closing (ECONNRESET).
    expect(response.headers.get('keep-alive')).toBe('timeout=30');
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
