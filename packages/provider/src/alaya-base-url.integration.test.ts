/**
 * Base URLs as users write them, over real HTTP to the emulator: query strings, trailing slashes,
 * credentials in the query or in user info. No credential may appear in any part of an error
 * (message, url, requestBodyValues, toJSON, util.inspect), with or without the middleware.
 */
import { inspect } from 'node:util';
import { InvalidArgumentError } from '@ai-sdk/provider';
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { AuthenticationError, NotFoundError } from '@alaya-code/ai-sdk-middleware/errors';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, wrapLanguageModel } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAlaya } from './alaya-provider';
import { rejectionOf } from './test-support/rejection-of';

const KEY = 'sk-planted-base-url-key-0001';
const SECRET = 'planted-query-secret-0002';
const PASSWORD = 'planted-password-0003';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, apiKeys: [KEY], models: ['glm-5.1'] });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  emulator.reset();
});

/** Every place an error can show a secret. */
function expectNowhere(error: unknown, ...secrets: string[]) {
  const record = error as Record<string, unknown>;
  const views = [
    String(record.message),
    String(record.url),
    JSON.stringify(record.requestBodyValues ?? null),
    JSON.stringify(error),
    inspect(error, { depth: 10, showHidden: true }),
    String(record.stack),
  ];
  for (const secret of secrets) {
    for (const view of views) expect(view).not.toContain(secret);
  }
}

/** A fetch that records the URLs it was asked for and then really fetches them. */
function recordingFetch() {
  const urls: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    urls.push(String(input instanceof Request ? input.url : input));
    return globalThis.fetch(input, init);
  };
  return { urls, fetch };
}

const call = (model: Parameters<typeof generateText>[0]['model']) =>
  generateText({ model, prompt: 'Hi', maxRetries: 0 });

describe('credentials in the base URL', () => {
  it('?api_key= on a base URL without /v1: listModels() never shows the key', async () => {
    const alaya = createAlaya({ apiKey: KEY, baseURL: `${emulator.origin}?api_key=${KEY}` });
    const error = await rejectionOf(alaya.listModels());
    expect(NotFoundError.isInstance(error)).toBe(true);
    expectNowhere(error, KEY);
  });

  it('?api_key= on a base URL without /v1: generateText without the middleware never shows the key', async () => {
    const alaya = createAlaya({ apiKey: KEY, baseURL: `${emulator.origin}?api_key=${KEY}` });
    const error = await rejectionOf(call(alaya('glm-5.1')));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expectNowhere(error, KEY);
  });

  it('?token= (not the API key) stays out of the error, with and without the middleware', async () => {
    const alaya = createAlaya({ apiKey: KEY, baseURL: `${emulator.origin}/?token=${SECRET}` });
    const bare = await rejectionOf(call(alaya('glm-5.1')));
    expect(NotFoundError.isInstance(bare)).toBe(true);
    expectNowhere(bare, SECRET, KEY);
    const wrapped = wrapLanguageModel({
      model: alaya('glm-5.1'),
      middleware: alayaMiddleware({ apiKey: KEY, maxRetries: 0 }),
    });
    const error = await rejectionOf(call(wrapped));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expectNowhere(error, SECRET, KEY);
  });

  it('a credential query parameter of a working base URL is sent, and redacted in error fields', async () => {
    const { urls, fetch } = recordingFetch();
    const alaya = createAlaya({
      apiKey: 'sk-wrong-key-0000',
      baseURL: `${emulator.url}?key=${SECRET}`,
      fetch,
    });
    const error = await rejectionOf(call(alaya('glm-5.1')));
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(urls).toEqual([`${emulator.url}/chat/completions?key=${SECRET}`]);
    expectNowhere(error, SECRET, 'sk-wrong-key-0000');
  });

  it('user info in baseURL is rejected at createAlaya with an InvalidArgumentError that hides it', () => {
    const baseURL = emulator.url.replace('http://', `http://user:${PASSWORD}@`);
    let error: unknown;
    try {
      createAlaya({ apiKey: KEY, baseURL });
    } catch (caught) {
      error = caught;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('baseURL');
    expectNowhere(error, PASSWORD);
  });

  it('user info in ALAYA_BASE_URL fails the call (also through the middleware) without showing it', async () => {
    vi.stubEnv('ALAYA_BASE_URL', emulator.url.replace('http://', `http://user:${PASSWORD}@`));
    const alaya = createAlaya({ apiKey: KEY });
    const bare = await rejectionOf(call(alaya('glm-5.1')));
    expect(InvalidArgumentError.isInstance(bare)).toBe(true);
    expect((bare as InvalidArgumentError).argument).toBe('ALAYA_BASE_URL');
    expectNowhere(bare, PASSWORD);
    const wrapped = wrapLanguageModel({
      model: alaya('glm-5.1'),
      middleware: alayaMiddleware({ apiKey: KEY, maxRetries: 0 }),
    });
    const error = await rejectionOf(call(wrapped));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expectNowhere(error, PASSWORD);
    expect(emulator.requests).toHaveLength(0);
  });
});

describe('base URL normalisation', () => {
  it('moves a query string behind each request path', async () => {
    const { urls, fetch } = recordingFetch();
    const alaya = createAlaya({ apiKey: KEY, baseURL: `${emulator.url}?x=y`, fetch });
    const { text } = await call(alaya('glm-5.1'));
    expect(text.length).toBeGreaterThan(0);
    await alaya.listModels();
    expect(urls).toEqual([`${emulator.url}/chat/completions?x=y`, `${emulator.url}/models?x=y`]);
  });

  it('removes every trailing slash (/v1// and /v1//?x=y)', async () => {
    const { urls, fetch } = recordingFetch();
    for (const baseURL of [`${emulator.url}//`, `${emulator.url}//?x=y`]) {
      const { text } = await call(createAlaya({ apiKey: KEY, baseURL, fetch })('glm-5.1'));
      expect(text.length).toBeGreaterThan(0);
    }
    expect(urls).toEqual([
      `${emulator.url}/chat/completions`,
      `${emulator.url}/chat/completions?x=y`,
    ]);
  });
});
