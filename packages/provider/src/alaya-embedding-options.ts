/**
 * Embedding model ids. Alaya does not document embedding models; pass the id
 * your plan offers (see `provider.listModels()`).
 */
export type AlayaEmbeddingModelId = string & {};
