import { DEFAULT_ALAYA_BASE_URL } from './alaya-base-url';

/**
 * Hint for a 404 when the base URL has no `/v1` path segment. Hints are in
 * parentheses: they follow the server's message, which may end without a period.
 */
export function missingVersionHint(baseURL: string): string {
  return `(the base URL ${baseURL} does not end with /v1: add /v1, for example ${DEFAULT_ALAYA_BASE_URL})`;
}

/**
 * Hint for a 404 of a model call. `availableModelIds` is the service's model
 * list, or `undefined` when it could not be fetched. `serverMessage` is what the
 * service said: when it already names the model (`The model 'glm-9' does not
 * exist`), the hint only adds the list, so the final message says it once.
 */
export function unknownModelHint({
  modelId,
  modelType,
  availableModelIds,
  serverMessage = '',
}: {
  modelId: string;
  modelType: 'chat' | 'embedding';
  availableModelIds: readonly string[] | undefined;
  serverMessage?: string;
}): string | undefined {
  if (availableModelIds != null && !availableModelIds.includes(modelId)) {
    const offers =
      availableModelIds.length > 0
        ? `this service offers: ${availableModelIds.join(', ')}`
        : 'this service offers no models';
    const named = modelId.length > 0 && serverMessage.toLowerCase().includes(modelId.toLowerCase());
    return named ? `(${offers})` : `(model '${modelId}' is not offered; ${offers})`;
  }
  if (modelType === 'embedding') {
    return `(the service may not offer POST /v1/embeddings for model '${modelId}')`;
  }
  return undefined;
}
