import type { LanguageModelV4StreamPart, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ModelRef } from './attempt-guard';
import type { AnsweredBy } from './retry/run-with-fallback';

/** Key of the `providerMetadata` entry that says which model answered (`'alayaMiddleware'`). */
export const ALAYA_METADATA_KEY = 'alayaMiddleware';

/** `metadata` plus the {@link ALAYA_METADATA_KEY} entry: which model answered, after how many attempts. */
export function withAnswerMetadata(
  metadata: SharedV4ProviderMetadata | undefined,
  answered: AnsweredBy<ModelRef>,
): SharedV4ProviderMetadata {
  return {
    ...metadata,
    [ALAYA_METADATA_KEY]: {
      provider: answered.model.provider,
      modelId: answered.model.modelId,
      fallbackIndex: answered.modelIndex,
      attempts: answered.attemptCount,
    },
  };
}

/** `part` as the consumer reads it: a `finish` part carries the answer metadata, others pass as they are. */
export function withAnswerMetadataOnFinish(
  part: LanguageModelV4StreamPart,
  answered: AnsweredBy,
): LanguageModelV4StreamPart {
  return part.type === 'finish'
    ? { ...part, providerMetadata: withAnswerMetadata(part.providerMetadata, answered) }
    : part;
}
