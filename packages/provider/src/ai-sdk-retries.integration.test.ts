/**
 * What a caller catches when the AI SDK's own retries (`maxRetries`, default 2) run around the
 * provider, over real HTTP: a typed error when the first attempt fails for good, the AI SDK's
 * `RetryError` holding the typed errors once it has retried. The provider README's Errors section
 * documents exactly this.
 */
import { createServer } from 'node:net';
import {
  BadGatewayError,
  BadRequestError,
  ConnectionError,
  NotFoundError,
} from '@alaya-code/ai-sdk-middleware';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, RetryError } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlaya } from './alaya-provider';

/** A loopback port that was free a moment ago and has nothing listening: connecting is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise(resolve => server.close(resolve));
  return port;
}

const caught = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );

describe("the AI SDK's retries around the provider", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, apiKeys: ['k'] });
  });
  afterAll(() => emulator?.close());

  it('a refused connection with maxRetries: 0 is thrown as the typed ConnectionError', async () => {
    const alaya = createAlaya({
      baseURL: `http://127.0.0.1:${await closedPort()}/v1`,
      apiKey: 'k',
    });
    const error = await caught(
      generateText({ model: alaya('glm-5.1'), prompt: 'Hi', maxRetries: 0 }),
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).isRetryable).toBe(true);
  });

  it('a refused connection on every attempt (maxRetries: 1) is a RetryError whose lastError and errors are typed ConnectionErrors', async () => {
    const alaya = createAlaya({
      baseURL: `http://127.0.0.1:${await closedPort()}/v1`,
      apiKey: 'k',
    });
    const error = await caught(
      generateText({ model: alaya('glm-5.1'), prompt: 'Hi', maxRetries: 1 }),
    );
    expect(RetryError.isInstance(error)).toBe(true);
    const retryError = error as RetryError;
    expect(retryError.name).toBe('AI_RetryError');
    expect(retryError.reason).toBe('maxRetriesExceeded');
    expect(retryError.message).toMatch(/^Failed after 2 attempts\. Last error: .*ECONNREFUSED/);
    expect(retryError.errors).toHaveLength(2);
    expect(retryError.errors.every(each => ConnectionError.isInstance(each))).toBe(true);
    expect(ConnectionError.isInstance(retryError.lastError)).toBe(true);
  });

  it('a non-retryable failure after a retryable one (502, then 400; default maxRetries) is a RetryError whose lastError is the typed BadRequestError', async () => {
    emulator.enqueueFaults([{ status: 502 }, { status: 400 }]);
    const alaya = createAlaya({ baseURL: emulator.url, apiKey: 'k' });
    const error = await caught(generateText({ model: alaya('glm-5.1'), prompt: 'Hi' }));
    expect(RetryError.isInstance(error)).toBe(true);
    const retryError = error as RetryError;
    expect(retryError.reason).toBe('errorNotRetryable');
    expect(BadGatewayError.isInstance(retryError.errors[0])).toBe(true);
    expect(BadRequestError.isInstance(retryError.lastError)).toBe(true);
  });

  it('a non-retryable failure on the first attempt is thrown typed with the default maxRetries', async () => {
    const alaya = createAlaya({ baseURL: emulator.url, apiKey: 'k' });
    const error = await caught(generateText({ model: alaya('glm-9'), prompt: 'Hi' }));
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect(
      emulator.requests.filter(r => r.path === '/v1/chat/completions' && r.model === 'glm-9'),
    ).toHaveLength(1);
  });
});
