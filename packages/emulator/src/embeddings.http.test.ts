import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EMBEDDING_MODEL } from './models';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, get, post } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ apiKeys: ['test-key', 'other-key'] });
});
beforeEach(() => {
  emulator.reset();
  emulator.setLimits({});
});
afterAll(() => emulator.close());

/** An embeddings request body for the default embedding model. */
function embedBody(input: string | string[], extra: Record<string, unknown> = {}) {
  return { model: DEFAULT_EMBEDDING_MODEL, input, ...extra };
}

/** Eight chunks of a few dozen tokens each, as an ingestion job sends them. */
const CHUNKS = Array.from(
  { length: 8 },
  (_, i) => `Chunk ${i}: the quarterly report says revenue grew and costs held steady.`,
);

async function tokensOf(input: string[]): Promise<number> {
  const response = await post(emulator, '/embeddings', embedBody(input));
  expect(response.status).toBe(200);
  const { usage } = await response.json();
  return usage.prompt_tokens as number;
}

describe('the default embedding model', () => {
  it('is listed by GET /v1/models after the chat models, and retrievable', async () => {
    const ids = (await (await get(emulator, '/models')).json()).data.map(
      (model: { id: string }) => model.id,
    );
    expect(DEFAULT_EMBEDDING_MODEL).toBe('bge-m3');
    expect(ids.at(-1)).toBe('bge-m3');
    expect(ids).toContain('glm-5.1');
    expect((await get(emulator, '/models/bge-m3')).status).toBe(200);
  });

  it('embeds one unit vector per input, of the default length', async () => {
    const response = await post(emulator, '/embeddings', embedBody(['alpha', 'beta']));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.model).toBe('bge-m3');
    expect(body.data.map((item: { embedding: number[] }) => item.embedding.length)).toEqual([
      256, 256,
    ]);
  });

  it("a model's own dimensions are its default length; a request's dimensions still win", async () => {
    const sized = await startEmulator({
      models: ['glm-5.1', { id: 'wide', dimensions: 1024 }, { id: 'narrow', dimensions: 8 }],
    });
    try {
      const lengthOf = async (body: Record<string, unknown>) =>
        (await (await post(sized, '/embeddings', body)).json()).data[0].embedding.length;
      expect(await lengthOf({ model: 'wide', input: 'x' })).toBe(1024);
      expect(await lengthOf({ model: 'narrow', input: 'x' })).toBe(8);
      expect(await lengthOf({ model: 'glm-5.1', input: 'x' })).toBe(256);
      expect(await lengthOf({ model: 'wide', input: 'x', dimensions: 16 })).toBe(16);
    } finally {
      await sized.close();
    }
  });

  it('refuses a model whose dimensions are not an integer from 1 to 8192', async () => {
    for (const dimensions of [0, 8193, 1.5, Number.NaN]) {
      await expect(startEmulator({ models: [{ id: 'bad', dimensions }] })).rejects.toThrow(
        "models: dimensions of 'bad' must be an integer from 1 to 8192",
      );
    }
  });
});

describe('embedding tokens count against the TPM window like chat', () => {
  it('a batch over the TPM left is a 429 with Retry-After, and the tokens charged are the input tokens', async () => {
    const perBatch = await tokensOf(CHUNKS);
    expect(perBatch).toBeGreaterThan(50);
    emulator.reset();
    emulator.setLimits({ tpm: perBatch * 2, windowMs: 60_000 });
    const first = await post(emulator, '/embeddings', embedBody(CHUNKS));
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe(String(perBatch * 2));
    expect(first.headers.get('x-ratelimit-remaining-tokens')).toBe(String(perBatch));
    expect((await post(emulator, '/embeddings', embedBody(CHUNKS))).status).toBe(200);
    const limited = await post(emulator, '/embeddings', embedBody(CHUNKS));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(Number(limited.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    const { error } = await limited.json();
    expect(error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(error.message).toContain('TPM');
    // Per key: another key's window is empty.
    expect(
      (await post(emulator, '/embeddings', embedBody(CHUNKS), { key: 'other-key' })).status,
    ).toBe(200);
  });

  it('one window per key for chat and embeddings: an ingestion batch leaves chat a 429', async () => {
    const perBatch = await tokensOf(CHUNKS);
    emulator.reset();
    emulator.setLimits({ tpm: perBatch + 5, windowMs: 60_000 });
    expect((await post(emulator, '/embeddings', embedBody(CHUNKS))).status).toBe(200);
    const chat = await post(emulator, '/chat/completions', chatBody());
    expect(chat.status).toBe(429);
    expect((await chat.json()).error.message).toContain('TPM');

    // And the other way round: chat tokens leave the batch no room.
    emulator.reset();
    const chatTokens = (await (await post(emulator, '/chat/completions', chatBody())).json()).usage
      .total_tokens as number;
    emulator.reset();
    emulator.setLimits({ tpm: chatTokens + perBatch - 1, windowMs: 60_000 });
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    expect((await post(emulator, '/embeddings', embedBody(CHUNKS))).status).toBe(429);
  });

  it('the RPM window counts embedding calls beside chat calls', async () => {
    emulator.setLimits({ rpm: 2, windowMs: 60_000 });
    expect((await post(emulator, '/embeddings', embedBody('a'))).status).toBe(200);
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    const limited = await post(emulator, '/embeddings', embedBody('b'));
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.message).toContain('RPM');
  });

  it("a key's quota counts embedding tokens: used up, the next batch is a 402", async () => {
    const perBatch = await tokensOf(CHUNKS);
    const quota = await startEmulator({ apiKeys: [{ key: 'q', quotaTokens: perBatch }] });
    try {
      expect((await post(quota, '/embeddings', embedBody(CHUNKS), { key: 'q' })).status).toBe(200);
      expect((await post(quota, '/embeddings', embedBody(CHUNKS), { key: 'q' })).status).toBe(402);
    } finally {
      await quota.close();
    }
  });
});

describe('faults apply to embedding calls with the names chat uses', () => {
  it('queued by path or by model: a 429 with Retry-After, then a 503, then the answer', async () => {
    emulator.enqueueFaults([
      { status: 429, retryAfter: 2, match: { path: '/v1/embeddings' } },
      { status: 503, match: { model: DEFAULT_EMBEDDING_MODEL } },
    ]);
    // A chat call passes both by: neither matches it.
    expect((await post(emulator, '/chat/completions', chatBody())).status).toBe(200);
    const limited = await post(emulator, '/embeddings', embedBody('x'));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await post(emulator, '/embeddings', embedBody('x'))).status).toBe(503);
    expect((await post(emulator, '/embeddings', embedBody('x'))).status).toBe(200);
    expect(emulator.pendingFaults()).toEqual([]);
  });

  it('by header: an HTML 502, a non-JSON 200, a body cut mid-way, a reset before headers', async () => {
    const withFault = (fault: Record<string, unknown>) =>
      post(emulator, '/embeddings', embedBody('x'), {
        headers: { 'x-alaya-emulator-fault': JSON.stringify(fault) },
      });
    const html = await withFault({ status: 502, body: 'html' });
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toContain('text/html');
    const nonJson = await withFault({ nonJson200: true });
    expect(nonJson.status).toBe(200);
    expect((await nonJson.text()).startsWith('{')).toBe(false);
    await expect(withFault({ reset: 'mid-stream' }).then(r => r.json())).rejects.toThrow();
    await expect(withFault({ reset: 'before-headers' })).rejects.toThrow();
  });

  it('a stalled body holds until the client gives up', async () => {
    const controller = new AbortController();
    const response = await post(emulator, '/embeddings', embedBody('x'), {
      headers: { 'x-alaya-emulator-fault': JSON.stringify({ stall: 'mid-stream' }) },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const body = response.text();
    setTimeout(() => controller.abort(), 200);
    await expect(body).rejects.toThrow();
    // The held answer was logged as the client left it.
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(emulator.requests.at(-1)).toMatchObject({ path: '/v1/embeddings', outcome: 'aborted' });
  });
});
