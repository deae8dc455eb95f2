import { describe, expect, it } from 'vitest';
import { missingVersionHint, unknownModelHint } from './alaya-not-found-hint';

describe('missingVersionHint', () => {
  it('tells the user to add /v1', () => {
    expect(missingVersionHint('https://codingplan.alayanew.com')).toBe(
      '(the base URL https://codingplan.alayanew.com does not end with /v1: add /v1, for example https://codingplan.alayanew.com/v1)',
    );
  });
});

describe('unknownModelHint', () => {
  it('names the unknown id and lists the offered models when the server did not name it', () => {
    expect(
      unknownModelHint({
        modelId: 'glm-9',
        modelType: 'chat',
        availableModelIds: ['glm-5.2', 'glm-5.1'],
        serverMessage: 'model not found',
      }),
    ).toBe("(model 'glm-9' is not offered; this service offers: glm-5.2, glm-5.1)");
  });

  it('only lists the offered models when the server message already names the id (said once)', () => {
    expect(
      unknownModelHint({
        modelId: 'GLM-9',
        modelType: 'chat',
        availableModelIds: ['glm-5.2', 'glm-5.1'],
        serverMessage: "The model 'glm-9' does not exist",
      }),
    ).toBe('(this service offers: glm-5.2, glm-5.1)');
  });

  it('says when the service offers no models', () => {
    expect(unknownModelHint({ modelId: 'x', modelType: 'chat', availableModelIds: [] })).toBe(
      "(model 'x' is not offered; this service offers no models)",
    );
  });

  it('adds nothing for a listed chat model or an unavailable list', () => {
    expect(
      unknownModelHint({ modelId: 'glm-5.2', modelType: 'chat', availableModelIds: ['glm-5.2'] }),
    ).toBeUndefined();
    expect(
      unknownModelHint({ modelId: 'glm-5.2', modelType: 'chat', availableModelIds: undefined }),
    ).toBeUndefined();
  });

  it('points at the embeddings endpoint for a listed embedding model', () => {
    expect(
      unknownModelHint({ modelId: 'emb', modelType: 'embedding', availableModelIds: ['emb'] }),
    ).toBe("(the service may not offer POST /v1/embeddings for model 'emb')");
  });
});
