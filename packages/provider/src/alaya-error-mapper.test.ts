import { APICallError, InvalidArgumentError, LoadAPIKeyError } from '@ai-sdk/provider';
import {
  AlayaError,
  AuthenticationError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
} from '@alaya-code/ai-sdk-middleware/errors';
import { describe, expect, it } from 'vitest';
import { createAlayaErrorMapper } from './alaya-error-mapper';

const apiKey = 'sk-secret-key-for-redaction';

function apiError(statusCode: number, message = 'server message', extra = {}) {
  const body = JSON.stringify({ error: { message, type: 't', code: 'c' } });
  return new APICallError({
    message,
    url: 'http://127.0.0.1:1/v1/chat/completions',
    requestBodyValues: { model: 'glm-5.2' },
    statusCode,
    responseBody: body,
    data: JSON.parse(body),
    ...extra,
  });
}

function mapper({
  baseURL = 'http://127.0.0.1:1/v1',
  models = ['glm-5.2', 'glm-5.1'] as string[] | Error,
} = {}) {
  const calls = { models: 0 };
  const map = createAlayaErrorMapper({
    providerName: 'alaya',
    getBaseURL: () => baseURL,
    getApiKey: () => apiKey,
    getAvailableModelIds: async () => {
      calls.models++;
      if (models instanceof Error) throw models;
      return models;
    },
  });
  return { map, calls };
}

describe('createAlayaErrorMapper', () => {
  it('maps a status to its typed error with the envelope message unchanged', async () => {
    const { map, calls } = mapper();
    const error = await map(apiError(401, 'Invalid API key'), {
      modelId: 'glm-5.2',
      modelType: 'chat',
    });
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as AuthenticationError).message).toBe('Invalid API key');
    expect((error as AuthenticationError).provider).toBe('alaya.chat');
    expect((error as AuthenticationError).modelId).toBe('glm-5.2');
    expect(calls.models).toBe(0);
  });

  it('removes the API key from every field', async () => {
    const { map } = mapper();
    const error = await map(apiError(500, `boom ${apiKey}`), {
      modelId: 'glm-5.2',
      modelType: 'chat',
    });
    expect(InternalServerError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(apiKey);
    expect((error as Error).message).not.toContain(apiKey);
  });

  it('adds the /v1 hint to a 404 when the base URL lacks /v1, without listing models', async () => {
    const { map, calls } = mapper({ baseURL: 'http://127.0.0.1:1' });
    const error = await map(apiError(404, 'Not Found'), { modelId: 'glm-5.2', modelType: 'chat' });
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'Not Found (the base URL http://127.0.0.1:1 does not end with /v1: add /v1, for example https://codingplan.alayanew.com/v1)',
    );
    expect(calls.models).toBe(0);
  });

  it('adds no /v1 hint when the server message already says so (said once, not twice)', async () => {
    const { map } = mapper({ baseURL: 'http://127.0.0.1:1' });
    const message = 'Unknown API path. Check the base URL: it must end with /v1';
    const error = await map(apiError(404, message), { modelId: 'glm-5.2', modelType: 'chat' });
    expect((error as Error).message).toBe(message);
  });

  it('lists the available models on a 404 for an unknown model', async () => {
    const { map, calls } = mapper();
    const error = await map(apiError(404, 'model not found'), {
      modelId: 'glm-9',
      modelType: 'chat',
    });
    expect((error as Error).message).toBe(
      "model not found (model 'glm-9' is not offered; this service offers: glm-5.2, glm-5.1)",
    );
    expect(calls.models).toBe(1);
  });

  it('keeps the plain 404 when the model list cannot be fetched', async () => {
    const { map } = mapper({ models: new Error('offline') });
    const error = await map(apiError(404, 'model not found'), {
      modelId: 'glm-9',
      modelType: 'chat',
    });
    expect(NotFoundError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('model not found');
  });

  it('does not look up models for a 404 of listModels itself', async () => {
    const { map, calls } = mapper();
    const error = await map(apiError(404, 'nope'), { modelId: '', modelType: 'models' });
    expect((error as Error).message).toBe('nope');
    expect(calls.models).toBe(0);
  });

  it('passes LoadAPIKeyError and the caller abort through untouched', async () => {
    const { map } = mapper();
    const keyError = new LoadAPIKeyError({ message: 'missing ALAYA_API_KEY' });
    expect(await map(keyError, { modelId: 'm', modelType: 'chat' })).toBe(keyError);

    const controller = new AbortController();
    controller.abort();
    const abort = new DOMException('This operation was aborted', 'AbortError');
    expect(
      await map(abort, { modelId: 'm', modelType: 'chat', abortSignal: controller.signal }),
    ).toBe(abort);
  });

  it('maps a failed fetch to ConnectionError', async () => {
    const { map } = mapper();
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const error = await map(new TypeError('fetch failed', { cause }), {
      modelId: 'm',
      modelType: 'chat',
    });
    expect(ConnectionError.isInstance(error)).toBe(true);
  });

  it('maps a stream error part envelope as retryable server failure', async () => {
    const { map } = mapper();
    const error = await map(
      { message: 'upstream crashed', type: 'server_error', code: 'x' },
      { modelId: 'm', modelType: 'chat', fromStreamPart: true },
    );
    expect(InternalServerError.isInstance(error)).toBe(true);
    expect((error as InternalServerError).message).toBe('upstream crashed');
    expect((error as InternalServerError).isRetryable).toBe(true);
  });
});

describe('createAlayaErrorMapper maps a failure once', () => {
  it('returns an already-typed error as the same object', async () => {
    const { map } = mapper();
    const typed = await map(apiError(400, 'bad'), { modelId: 'glm-5.1', modelType: 'chat' });
    expect(await map(typed, { modelId: 'glm-5.1', modelType: 'chat' })).toBe(typed);
    expect(await map(typed, { modelId: 'glm-5.1', modelType: 'chat', fromStreamPart: true })).toBe(
      typed,
    );
  });

  it('keeps the raw failure as the cause: one typed error, not a typed error of a typed error', async () => {
    const { map } = mapper();
    const raw = apiError(400, 'bad');
    const typed = (await map(raw, { modelId: 'glm-5.1', modelType: 'chat' })) as Error;
    expect(AlayaError.isInstance(typed)).toBe(true);
    expect(AlayaError.isInstance(typed.cause)).toBe(false);
  });

  it('passes InvalidArgumentError (a setup error) through untouched', async () => {
    const { map } = mapper();
    const setup = new InvalidArgumentError({ argument: 'baseURL', message: 'bad baseURL' });
    expect(await map(setup, { modelId: 'm', modelType: 'chat' })).toBe(setup);
  });
});
