import {
  createJsonErrorResponseHandler,
  createJsonResponseHandler,
  type FetchFunction,
  getFromApi,
  lazySchema,
  zodSchema,
} from '@ai-sdk/provider-utils';
import { z } from 'zod/v4';
import type { AlayaChatModelId } from './alaya-chat-options';
import { alayaErrorStructure } from './alaya-error-structure';

const alayaModelListSchema = lazySchema(() =>
  zodSchema(
    z.object({
      data: z.array(
        z.looseObject({
          id: z.string(),
          object: z.string().nullish(),
          created: z.number().nullish(),
          owned_by: z.string().nullish(),
        }),
      ),
    }),
  ),
);

/** One entry of `GET /v1/models`. */
export interface AlayaModel {
  /** The model id to pass to `alaya(id)`. */
  id: AlayaChatModelId;
  /** The object type reported by the service, normally `model`. */
  object?: string;
  /** Creation time in Unix seconds, when reported. */
  created?: number;
  /** The owner reported by the service, when reported. */
  ownedBy?: string;
}

/**
 * Fetches `GET {baseURL}/models` and returns the parsed list. Failures are
 * thrown as they come from `@ai-sdk/provider-utils` (`APICallError`, ...);
 * the provider maps them to the middleware's typed errors.
 */
export async function fetchAlayaModels({
  url,
  headers,
  fetch,
  abortSignal,
}: {
  url: string;
  headers: Record<string, string | undefined>;
  fetch?: FetchFunction;
  abortSignal?: AbortSignal;
}): Promise<AlayaModel[]> {
  const { value } = await getFromApi({
    url,
    headers,
    successfulResponseHandler: createJsonResponseHandler(alayaModelListSchema),
    failedResponseHandler: createJsonErrorResponseHandler(alayaErrorStructure),
    abortSignal,
    fetch,
    // The URL is built from the configured base URL, never from a response:
    validateUrl: false,
  });
  return value.data.map(model => ({
    id: model.id,
    ...(model.object != null && { object: model.object }),
    ...(model.created != null && { created: model.created }),
    ...(model.owned_by != null && { ownedBy: model.owned_by }),
  }));
}
