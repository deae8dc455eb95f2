import { APICallError, InvalidArgumentError, LoadAPIKeyError } from '@ai-sdk/provider';
import {
  AlayaError,
  DEFAULT_HINTS,
  isCallerAbort,
  toAlayaError,
} from '@alaya-code/ai-sdk-middleware/errors';
import { hasVersionSegment } from './alaya-base-url';
import { missingVersionHint, unknownModelHint } from './alaya-not-found-hint';

/** What a model passes to the provider's error mapper about the failed call. */
export interface AlayaCallInfo {
  /** The model id of the failed call. */
  modelId: string;
  /** `chat`, `embedding`, or `models` for `listModels()`. */
  modelType: 'chat' | 'embedding' | 'models';
  /** The caller's abort signal, so an abort is never mapped. */
  abortSignal?: AbortSignal;
  /** The error is the payload of a stream `error` part rather than a thrown error. */
  fromStreamPart?: boolean;
}

/** Turns any failure of a call into the error the caller sees. */
export type AlayaErrorMapper = (error: unknown, call: AlayaCallInfo) => Promise<unknown>;

/**
 * Builds the provider's error mapper: the error floor's `toAlayaError` (the one shared mapping)
 * plus the provider's 404 hints (`/v1` missing from the base URL, or the model ids the service
 * offers), passed as message suffixes so that the floor redacts them with everything else.
 * A failure is mapped once: an error that is already typed is returned as it is.
 */
export function createAlayaErrorMapper({
  providerName,
  getBaseURL,
  getApiKey,
  getAvailableModelIds,
}: {
  providerName: string;
  /** The base URL as it may be shown (no user info or credential query parameters). */
  getBaseURL: () => string;
  getApiKey: () => string | undefined;
  getAvailableModelIds: (abortSignal?: AbortSignal) => Promise<string[]> | undefined;
}): AlayaErrorMapper {
  return async (error, call) => {
    // Already typed (mapped once), the caller's abort, and setup errors (a missing key, an
    // invalid base URL) are not service failures to map: keep them as they are.
    if (
      AlayaError.isInstance(error) ||
      isCallerAbort(error, call.abortSignal) ||
      LoadAPIKeyError.isInstance(error) ||
      InvalidArgumentError.isInstance(error)
    ) {
      return error;
    }
    const hint =
      APICallError.isInstance(error) && error.statusCode === 404
        ? await notFoundHint({ error, call, getBaseURL, getAvailableModelIds })
        : undefined;
    return toAlayaError(error, {
      apiKey: getApiKey(),
      provider: `${providerName}.${call.modelType}`,
      // Alaya's error guide, whatever the provider is named (`name` may not start with `alaya`):
      hints: DEFAULT_HINTS,
      ...(call.modelId && { modelId: call.modelId }),
      ...(hint && { messageSuffixes: { not_found: hint } }),
      ...(call.fromStreamPart && { fromStreamPart: true }),
    });
  };
}

async function notFoundHint({
  error,
  call,
  getBaseURL,
  getAvailableModelIds,
}: {
  error: APICallError;
  call: AlayaCallInfo;
  getBaseURL: () => string;
  getAvailableModelIds: (abortSignal?: AbortSignal) => Promise<string[]> | undefined;
}): Promise<string | undefined> {
  const baseURL = getBaseURL();
  if (!hasVersionSegment(baseURL)) {
    // A server that already says so (the emulator does) needs no second sentence about /v1.
    return /\/v1\b/.test(error.message) ? undefined : missingVersionHint(baseURL);
  }
  if (call.modelType === 'models') return undefined;
  let availableModelIds: string[] | undefined;
  try {
    availableModelIds = await getAvailableModelIds(call.abortSignal);
  } catch {
    availableModelIds = undefined;
  }
  return unknownModelHint({
    modelId: call.modelId,
    modelType: call.modelType,
    availableModelIds,
    serverMessage: error.message,
  });
}
