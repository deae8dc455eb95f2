import { WORKFLOW_DESERIALIZE, WORKFLOW_SERIALIZE } from '@ai-sdk/provider-utils';
import { NotFoundError } from '@alaya-code/ai-sdk-middleware/errors';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { embed, generateText } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlayaChatLanguageModel } from './alaya-chat-language-model';
import { AlayaEmbeddingModel } from './alaya-embedding-model';
import { createAlaya } from './alaya-provider';

/** What a Workflow step boundary does with a model: serialise it to JSON and rebuild it. */
function crossStepBoundary<M>(model: M): M {
  const Ctor = (model as { constructor: unknown }).constructor as {
    [WORKFLOW_SERIALIZE](model: M): unknown;
    [WORKFLOW_DESERIALIZE](data: unknown): M;
  };
  const json = JSON.stringify(Ctor[WORKFLOW_SERIALIZE](model));
  expect(json).not.toContain(KEY);
  expect(json.toLowerCase()).not.toContain('authorization');
  return Ctor[WORKFLOW_DESERIALIZE](JSON.parse(json));
}

const KEY = 'planted-workflow-key-0001';
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

describe('Workflow serialisation', () => {
  it('a chat model is serialised without the API key and works once rebuilt (key from ALAYA_API_KEY)', async () => {
    const provider = createAlaya({
      apiKey: KEY,
      baseURL: emulator.url,
      headers: { 'x-tenant': 'blue', Authorization: `Bearer ${KEY}` },
    });
    const model = provider('glm-5.1') as AlayaChatLanguageModel;
    expect(JSON.stringify(AlayaChatLanguageModel[WORKFLOW_SERIALIZE](model))).toContain('x-tenant');
    const rebuilt = crossStepBoundary(model);
    expect(rebuilt).toBeInstanceOf(AlayaChatLanguageModel);
    expect(rebuilt.provider).toBe('alaya.chat');
    vi.stubEnv('ALAYA_API_KEY', KEY);
    const { text } = await generateText({ model: rebuilt, prompt: 'Hi', maxRetries: 0 });
    expect(text.length).toBeGreaterThan(0);
  });

  it('a rebuilt chat model still throws the typed errors', async () => {
    const provider = createAlaya({ apiKey: KEY, baseURL: emulator.url, name: 'my-alaya' });
    const rebuilt = crossStepBoundary(provider('no-such-model'));
    expect(rebuilt.provider).toBe('my-alaya.chat');
    vi.stubEnv('ALAYA_API_KEY', KEY);
    const error = await generateText({ model: rebuilt, prompt: 'Hi', maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(NotFoundError.isInstance(error)).toBe(true);
  });

  it('an embedding model is serialised without the API key and works once rebuilt', async () => {
    const model = createAlaya({ apiKey: KEY, baseURL: emulator.url }).embeddingModel('glm-5.1');
    const rebuilt = crossStepBoundary(model);
    expect(rebuilt).toBeInstanceOf(AlayaEmbeddingModel);
    vi.stubEnv('ALAYA_API_KEY', KEY);
    const { embedding } = await embed({ model: rebuilt, value: 'hello', maxRetries: 0 });
    expect(embedding.length).toBeGreaterThan(0);
  });

  it('writes no credential: credential-named headers, headers carrying the key, URL credentials', () => {
    const other = 'planted-other-secret-0002';
    const provider = createAlaya({
      apiKey: KEY,
      baseURL: `${emulator.url}?key=${other}&api-version=2&access_token=${other}`,
      headers: {
        'ocp-apim-subscription-key': other,
        'x-auth': other,
        'x-forwarded-credential': `v=${other}`,
        'x-innocent-name': `prefix ${KEY} suffix`,
        'x-upstream': `Basic ${other}`,
        'x-team': 'blue',
      },
    });
    for (const model of [provider('glm-5.1'), provider.embeddingModel('glm-5.1')]) {
      const Ctor = model.constructor as unknown as {
        [WORKFLOW_SERIALIZE](model: unknown): unknown;
      };
      const written = Ctor[WORKFLOW_SERIALIZE](model);
      const json = JSON.stringify(written);
      expect(json).not.toContain(KEY);
      expect(json).not.toContain(other);
      expect(written).toEqual({
        modelId: 'glm-5.1',
        config: { baseURL: `${emulator.url}?api-version=2`, headers: { 'x-team': 'blue' } },
      });
    }
  });

  it('reads only baseURL, name and string headers back', async () => {
    vi.stubEnv('ALAYA_API_KEY', KEY);
    const rebuilt = AlayaChatLanguageModel[WORKFLOW_DESERIALIZE]({
      modelId: 'glm-5.1',
      config: { baseURL: emulator.url, name: 'x', headers: { a: 'b', n: 5 }, fetch: 'nope' },
    });
    expect(rebuilt.provider).toBe('x.chat');
    const { text } = await generateText({ model: rebuilt, prompt: 'Hi', maxRetries: 0 });
    expect(text.length).toBeGreaterThan(0);
  });
});
