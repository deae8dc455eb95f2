import { LoadAPIKeyError } from '@ai-sdk/provider';
import { loadApiKey } from '@ai-sdk/provider-utils';

/** Environment variable the API key is read from when `apiKey` is not set. */
export const ALAYA_API_KEY_ENV = 'ALAYA_API_KEY';

/**
 * Loads the API key from `apiKey` or `ALAYA_API_KEY` and trims it (keys pasted
 * from the console often carry a space or a newline). Throws the AI SDK's
 * `LoadAPIKeyError` naming `ALAYA_API_KEY` when it is missing or blank.
 */
export function loadAlayaApiKey(apiKey: string | undefined): string {
  const key = loadApiKey({
    apiKey,
    environmentVariableName: ALAYA_API_KEY_ENV,
    description: 'Alaya Code',
  }).trim();
  if (key.length === 0) {
    throw new LoadAPIKeyError({
      message: `Alaya Code API key is empty. Pass it using the 'apiKey' parameter or the ${ALAYA_API_KEY_ENV} environment variable.`,
    });
  }
  return key;
}

/** Like {@link loadAlayaApiKey}, but `undefined` instead of throwing (for redaction). */
export function tryLoadAlayaApiKey(apiKey: string | undefined): string | undefined {
  try {
    return loadAlayaApiKey(apiKey);
  } catch {
    return undefined;
  }
}
