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
 * list, or `undefined` when it could not be fetched.
 */
export function unknownModelHint({
  modelId,
  modelType,
  availableModelIds,
}: {
  modelId: string;
  modelType: 'chat' | 'embedding';
  availableModelIds: readonly string[] | undefined;
}): string | undefined {
  if (availableModelIds != null && !availableModelIds.includes(modelId)) {
    const list = availableModelIds.length > 0 ? availableModelIds.join(', ') : '(none)';
    return `(model '${modelId}' is not offered by this service; available models: ${list})`;
  }
  if (modelType === 'embedding') {
    return `(the service may not offer POST /v1/embeddings for model '${modelId}')`;
  }
  return undefined;
}
