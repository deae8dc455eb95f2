import { DEFAULT_ALAYA_BASE_URL } from './alaya-base-url';

/** Hint for a 404 when the base URL has no `/v1` path segment. */
export function missingVersionHint(baseURL: string): string {
  return `The base URL ${baseURL} does not end with /v1: add /v1 (for example ${DEFAULT_ALAYA_BASE_URL}).`;
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
    return `Model '${modelId}' is not offered by this service. Available models: ${list}.`;
  }
  if (modelType === 'embedding') {
    return `The service may not offer POST /v1/embeddings for model '${modelId}'.`;
  }
  return undefined;
}
