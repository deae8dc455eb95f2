export type {
  AlayaChatModelId,
  AlayaLanguageModelChatOptions,
} from './alaya-chat-options';
export type { AlayaEmbeddingModelId } from './alaya-embedding-options';
export type { AlayaErrorData } from './alaya-error-structure';
export type { AlayaModel } from './alaya-models';
export { type AlayaPlan, alayaPacing } from './alaya-plans';
export {
  type AlayaProvider,
  type AlayaProviderSettings,
  alaya,
  createAlaya,
} from './alaya-provider';
export { VERSION } from './version';
