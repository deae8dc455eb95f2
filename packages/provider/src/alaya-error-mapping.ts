import { APICallError, LoadAPIKeyError } from '@ai-sdk/provider';
import { isCallerAbort, toAlayaError } from '@alaya-code/ai-sdk-middleware';
import { hasVersionSegment } from './alaya-base-url';
import type { AlayaCallInfo, AlayaErrorMapper } from './alaya-error-mapper';
import { missingVersionHint, unknownModelHint } from './alaya-not-found-hint';

/**
 * Builds the provider's error mapper: the middleware's `toAlayaError` (the one
 * shared mapping) plus the provider's 404 hints (`/v1` missing from the base
 * URL, or the model ids the service offers).
 */
export function createAlayaErrorMapper({
  providerName,
  getBaseURL,
  getApiKey,
  getAvailableModelIds,
}: {
  providerName: string;
  getBaseURL: () => string;
  getApiKey: () => string | undefined;
  getAvailableModelIds: (abortSignal?: AbortSignal) => Promise<string[]> | undefined;
}): AlayaErrorMapper {
  return async (error, call) => {
    // The caller's abort and a missing key are not service failures: keep them as they are.
    if (isCallerAbort(error, call.abortSignal) || LoadAPIKeyError.isInstance(error)) return error;
    const hint =
      APICallError.isInstance(error) && error.statusCode === 404
        ? await notFoundHint({ call, getBaseURL, getAvailableModelIds })
        : undefined;
    return toAlayaError(error, {
      apiKey: getApiKey(),
      provider: `${providerName}.${call.modelType}`,
      ...(call.modelId && { modelId: call.modelId }),
      ...(hint && { messageSuffixes: { not_found: hint } }),
      ...(call.fromStreamPart && { fromStreamPart: true }),
    });
  };
}

async function notFoundHint({
  call,
  getBaseURL,
  getAvailableModelIds,
}: {
  call: AlayaCallInfo;
  getBaseURL: () => string;
  getAvailableModelIds: (abortSignal?: AbortSignal) => Promise<string[]> | undefined;
}): Promise<string | undefined> {
  const baseURL = getBaseURL();
  if (!hasVersionSegment(baseURL)) return missingVersionHint(baseURL);
  if (call.modelType === 'models') return undefined;
  let availableModelIds: string[] | undefined;
  try {
    availableModelIds = await getAvailableModelIds(call.abortSignal);
  } catch {
    availableModelIds = undefined;
  }
  return unknownModelHint({ modelId: call.modelId, modelType: call.modelType, availableModelIds });
}
