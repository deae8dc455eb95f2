/**
 * Embedding model ids. Alaya documents no embedding model: the suggestion `bge-m3` (BAAI's open
 * multilingual model, under the id model gateways commonly serve it by) is unverified for Alaya and
 * is the emulator's default embedding model. Any other string is accepted: pass the id your plan
 * offers (`provider.listModels()` says which).
 */
export type AlayaEmbeddingModelId = 'bge-m3' | (string & {});
