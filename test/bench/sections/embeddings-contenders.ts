/**
 * The embeddings section's contenders: one way each of running the ingestion job (`embedMany`) and
 * the chat caller (`generateText`) on one key. Every one embeds in batches of the same size (a plain
 * AI SDK middleware sets `maxEmbeddingsPerCall`), so they send the same requests.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingModelV4, SharedV4ProviderOptions } from '@ai-sdk/provider';
import {
  alayaEmbeddingMiddleware,
  alayaMiddleware,
  createFleetGuard,
} from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import {
  type EmbeddingModelMiddleware,
  embedMany,
  generateText,
  wrapEmbeddingModel,
  wrapLanguageModel,
} from 'ai';

/** The model ids of the run: the emulator's default embedding model and a chat model. */
export const EMBEDDING_MODEL_ID = 'bge-m3';
export const CHAT_MODEL_ID = 'glm-5.1';

/** What a contender is built from. */
export type IngestionEnv = {
  baseURL: string;
  apiKey: string;
  /** The bench's fetch (it logs every request); every request must go through it. */
  fetch: typeof globalThis.fetch;
  /** Chunks per `/v1/embeddings` request. */
  batchSize: number;
};

/** A built contender: the job and one chat call. */
export type IngestionClient = {
  embed(values: string[], abortSignal: AbortSignal): Promise<{ tokens: number }>;
  chat(prompt: string, abortSignal: AbortSignal): Promise<void>;
};

/** One way of running the job beside the chat caller. */
export type IngestionContender = {
  name: string;
  /** The configuration, as printed under the table. */
  config: string;
  build(env: IngestionEnv): IngestionClient;
};

/** Sets the batch size `embedMany` splits by: the same for every contender. */
function batchesOf(size: number): EmbeddingModelMiddleware {
  return { specificationVersion: 'v4', overrideMaxEmbeddingsPerCall: () => size };
}

function rawProvider(env: IngestionEnv) {
  return createOpenAICompatible({
    name: 'alaya',
    baseURL: env.baseURL,
    apiKey: env.apiKey,
    fetch: env.fetch,
    includeUsage: true,
  });
}

/** The AI SDK's own retry over `createOpenAICompatible`, with `embedMany`'s parallelism as given. */
function builtinClient(env: IngestionEnv, maxParallelCalls: number | undefined): IngestionClient {
  const provider = rawProvider(env);
  const model = wrapEmbeddingModel({
    model: provider.embeddingModel(EMBEDDING_MODEL_ID),
    middleware: batchesOf(env.batchSize),
  });
  const chat = provider.chatModel(CHAT_MODEL_ID);
  return {
    async embed(values, abortSignal) {
      const { usage } = await embedMany({
        model,
        values,
        abortSignal,
        ...(maxParallelCalls !== undefined ? { maxParallelCalls } : {}),
      });
      return { tokens: usage.tokens };
    },
    async chat(prompt, abortSignal) {
      await generateText({ model: chat, prompt, abortSignal });
    },
  };
}

/** The AI SDK as it comes: `embedMany` (every batch at once) and `maxRetries` 2. */
export const builtinIngestion: IngestionContender = {
  name: 'AI SDK built-in',
  config:
    'embedMany({ model, values }) and generateText({ model, prompt }) over createOpenAICompatible: maxRetries 2 and maxParallelCalls unbounded, as they come',
  build: env => builtinClient(env, undefined),
};

/** The built-in with `maxParallelCalls` tuned by hand: the oracle a careful user writes. */
export function oracleIngestion(maxParallelCalls: number): IngestionContender {
  return {
    name: `built-in, maxParallelCalls ${maxParallelCalls}`,
    config: `the built-in with embedMany({ maxParallelCalls: ${maxParallelCalls} }) (set by hand; BENCH_EMBED_ORACLE_PARALLEL picks another): with few batches in flight, each 429's Retry-After (which the built-in honours under 60 s) paces the job`,
    build: env => builtinClient(env, maxParallelCalls),
  };
}

/**
 * Ours: one fleet guard with pacing (not told the limit, one bucket for the key) shared by the chat
 * and embedding middleware; the job's batches marked `priority: 'background'` (or not: `lane`
 * undefined), so the chat calls go first and the job takes every slot they leave.
 */
function oursWith(lane: 'background' | undefined): IngestionContender {
  return {
    name:
      lane === undefined
        ? 'ours, the job unmarked (its batches background by default)'
        : "ours (shared guard + pacing, the job priority: 'background')",
    config: `guard = createFleetGuard({ pacing: { per: 'key' }, apiKey }) (learned from 429s, no limit stated; one bucket for the key, as Alaya counts), shared by alayaMiddleware({ guard }) on the chat model and alayaEmbeddingMiddleware({ guard }) on the embedding model, over createAlaya; ${lane === undefined ? 'embedMany unmarked (a batch with no priority is paced in the background lane by default)' : "embedMany({ providerOptions: { alayaMiddleware: { priority: 'background' } } })"}; defaults otherwise`,
    build: env => oursClient(env, lane),
  };
}

/** Ours as the guide says to run an ingestion job: what the goals are judged on. */
export const oursIngestion = oursWith('background');

/** Ours with the job unmarked: what a default user gets (a batch with no priority is background). */
export const oursUnmarkedIngestion = oursWith(undefined);

function oursClient(env: IngestionEnv, lane: 'background' | undefined): IngestionClient {
  const alaya = createAlaya({ apiKey: env.apiKey, baseURL: env.baseURL, fetch: env.fetch });
  const guard = createFleetGuard({ pacing: { per: 'key' }, apiKey: env.apiKey });
  const model: EmbeddingModelV4 = wrapEmbeddingModel({
    model: alaya.embeddingModel(EMBEDDING_MODEL_ID),
    middleware: [batchesOf(env.batchSize), alayaEmbeddingMiddleware({ guard, apiKey: env.apiKey })],
  });
  const chat = wrapLanguageModel({
    model: alaya(CHAT_MODEL_ID),
    middleware: alayaMiddleware({ guard, apiKey: env.apiKey }),
  });
  const providerOptions: SharedV4ProviderOptions =
    lane === undefined ? {} : { alayaMiddleware: { priority: lane } };
  return {
    async embed(values, abortSignal) {
      const { usage } = await embedMany({ model, values, abortSignal, providerOptions });
      return { tokens: usage.tokens };
    },
    async chat(prompt, abortSignal) {
      await generateText({ model: chat, prompt, abortSignal });
    },
  };
}
