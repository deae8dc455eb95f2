import { createAlaya } from '@alaya-code/ai-sdk-provider';
import type { ChatError } from './chat-error';
import { toChatError } from './friendly-error';
import { DEFAULT_MODEL, MISSING_KEY_ERROR, readServerConfig } from './server-config';

/** The model picker's options, and why the list is only the default when `GET /v1/models` failed. */
export interface ModelChoices {
  models: string[];
  error?: ChatError;
}

/** Lists the models the key can use (`alaya.listModels()`), falling back to the default model on failure. */
export async function loadModelChoices(): Promise<ModelChoices> {
  const config = readServerConfig();
  if (!config.hasApiKey) {
    return { models: [DEFAULT_MODEL], error: MISSING_KEY_ERROR };
  }
  try {
    const ids = (await createAlaya().listModels()).map(model => model.id);
    return { models: ids.length > 0 ? ids : [DEFAULT_MODEL] };
  } catch (error) {
    return {
      models: [DEFAULT_MODEL],
      error: toChatError(error, { model: DEFAULT_MODEL, retries: 0, usageUrl: config.usageUrl }),
    };
  }
}
