import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import type { AlayaChatModelId } from './alaya-chat-options';
import type { AlayaEmbeddingModelId } from './alaya-embedding-options';
import { type AlayaProvider, alaya, createAlaya } from './alaya-provider';

describe('alaya (default instance)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('creates models without a key: the key is only needed when a call is made', () => {
    vi.stubEnv('ALAYA_API_KEY', undefined);
    const model = alaya('glm-5.1');
    expect(model.provider).toBe('alaya.chat');
    expect(model.modelId).toBe('glm-5.1');
    expect(alaya.embeddingModel('e').provider).toBe('alaya.embedding');
  });

  it('is a ProviderV4 with the AI SDK 7 method names', () => {
    const provider: AlayaProvider = createAlaya({ apiKey: 'k' });
    expect(provider.specificationVersion).toBe('v4');
    for (const name of [
      'languageModel',
      'chatModel',
      'embeddingModel',
      'imageModel',
      'transcriptionModel',
      'speechModel',
      'rerankingModel',
      'listModels',
    ] as const) {
      expect(typeof provider[name]).toBe('function');
    }
  });

  it("types model ids as Alaya's documented ids plus any string", () => {
    expectTypeOf<AlayaChatModelId>().toEqualTypeOf<
      'minimax-m2.5' | 'minimax-m2.1' | 'glm-5' | 'glm-5.1' | 'deepseek-v4-pro' | (string & {})
    >();
    // Ids suggested before stay accepted as strings:
    expectTypeOf<'glm-5.2'>().toExtend<AlayaChatModelId>();
    expectTypeOf<'deepseek-v4-flash'>().toExtend<AlayaChatModelId>();
    expectTypeOf<'some-future-model'>().toExtend<AlayaChatModelId>();
    expectTypeOf<Parameters<AlayaProvider['chatModel']>[0]>().toEqualTypeOf<AlayaChatModelId>();
    expect(createAlaya({ apiKey: 'k' })('some-future-model').modelId).toBe('some-future-model');
  });

  it('types embedding model ids as the suggested bge-m3 (unverified for Alaya) plus any string', () => {
    expectTypeOf<AlayaEmbeddingModelId>().toEqualTypeOf<'bge-m3' | (string & {})>();
    expectTypeOf<'embedding-3'>().toExtend<AlayaEmbeddingModelId>();
    expectTypeOf<
      Parameters<AlayaProvider['embeddingModel']>[0]
    >().toEqualTypeOf<AlayaEmbeddingModelId>();
    expect(createAlaya({ apiKey: 'k' }).embeddingModel('bge-m3').modelId).toBe('bge-m3');
  });
});
