import { type AlayaModelConfig, createAlayaModelConfig } from './alaya-model-config';
import type { AlayaWorkflowSettings } from './alaya-workflow-settings';

/** What a model is written as at a Workflow step boundary. */
export interface AlayaSerializedModel {
  /** The model id. */
  modelId: string;
  /** The provider settings without any credential. */
  config: AlayaWorkflowSettings;
}

/** The body of both model classes' `static [WORKFLOW_SERIALIZE]`: the id and the credential-free settings. */
export function serializeAlayaModel(
  modelId: string,
  config: AlayaModelConfig,
): AlayaSerializedModel {
  return { modelId, config: { ...config.workflowSettings } };
}

/**
 * The body of both model classes' `static [WORKFLOW_DESERIALIZE]`: the shared configuration
 * rebuilt from the written settings (only `baseURL`, `name` and string `headers` are read). The
 * key comes from `ALAYA_API_KEY` when the rebuilt model is called.
 */
export function deserializeAlayaConfig(config: unknown): AlayaModelConfig {
  const record = (config ?? {}) as Record<string, unknown>;
  const headers =
    record.headers != null && typeof record.headers === 'object'
      ? Object.fromEntries(
          Object.entries(record.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : undefined;
  return createAlayaModelConfig({
    ...(typeof record.baseURL === 'string' && { baseURL: record.baseURL }),
    ...(typeof record.name === 'string' && { name: record.name }),
    ...(headers && { headers }),
  });
}
