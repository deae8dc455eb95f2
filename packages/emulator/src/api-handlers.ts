import { randomBytes } from 'node:crypto';
import { type ApiKeyConfig, authenticate, authFailureMessage, keyFingerprint } from './auth';
import {
  type ChatPlan,
  chatCompletionBody,
  chatCompletionChunks,
  planChatCompletion,
  promptTokensOf,
} from './chat-completion';
import { validateChatRequest } from './chat-request';
import { embeddingsBody, embeddingsTokensOf, validateEmbeddingsRequest } from './embeddings';
import { streamErrorPayload } from './fault-response';
import { delay, type JsonResult } from './io';
import { modelObject, modelsListBody } from './models';
import { formatResetDuration } from './rate-limiter';
import type { RequestContext } from './request-context';
import { SchemaTooLargeError } from './schema-budget';
import { SSE_HEADERS, type StreamInterrupt, writeSse } from './sse';
import type { EmulatorState } from './state';
import type { StreamOptions } from './stream-shaping';

/** What a route handler receives. */
export interface HandlerInput {
  state: EmulatorState;
  ctx: RequestContext;
  json: JsonResult | undefined;
  /** Per-request stream shaping from the `x-alaya-emulator-stream` header. */
  shaping: StreamOptions;
  /** Path parameter (model id for `/v1/models/:id`). */
  param?: string;
}

/** Authenticates the request; answers 401 and returns undefined on failure. */
function requireKey(input: HandlerInput): ApiKeyConfig | undefined {
  const auth = authenticate(input.ctx.req.headers.authorization, input.state.keys);
  if (auth.ok) return auth.config;
  input.ctx.sendError(401, { message: authFailureMessage(auth.reason) });
  return undefined;
}

/**
 * The checks every model call passes after validation, in the service's order: unknown model
 * (404), model outside the key's plan (403), quota used up (402), RPM/TPM window (429). Answers and
 * returns undefined when one fails; otherwise returns the `x-ratelimit-*` headers.
 */
function admitModelCall(
  input: HandlerInput,
  key: ApiKeyConfig,
  modelId: string,
  promptTokens: number,
): Record<string, string> | undefined {
  const { state, ctx } = input;
  if (!state.models.has(modelId)) {
    ctx.sendError(404, {
      message: `The model '${modelId}' does not exist. Use GET /v1/models to list the available models`,
      code: 'model_not_found',
      param: 'model',
    });
    return undefined;
  }
  if (key.models && !key.models.includes(modelId)) {
    ctx.sendError(403, {
      message: `Permission denied: the current plan doesn't support the model '${modelId}'. Upgrade to a plan that supports the model`,
    });
    return undefined;
  }
  const fingerprint = keyFingerprint(key.key);
  if (key.quotaTokens !== undefined && (state.quotaUsed.get(fingerprint) ?? 0) >= key.quotaTokens) {
    ctx.sendError(402, {
      message:
        'Insufficient quota: the current window quota is used up. Upgrade the plan or purchase a booster pack',
    });
    return undefined;
  }
  const decision = state.limiter.check(fingerprint, promptTokens, key.limits);
  if (!decision.allowed) {
    const retryAfterMs = decision.retryAfterMs ?? 1000;
    const what =
      decision.limitedBy === 'tokens' ? 'tokens per minute (TPM)' : 'requests per minute (RPM)';
    ctx.sendError(
      429,
      {
        message: `Rate limit exceeded: the plan's ${what} limit was reached. Retry after ${formatResetDuration(retryAfterMs)}`,
      },
      {
        ...decision.headers,
        'retry-after': String(Math.ceil(retryAfterMs / 1000)),
        'retry-after-ms': String(Math.ceil(retryAfterMs)),
      },
    );
    return undefined;
  }
  return decision.headers;
}

function charge(state: EmulatorState, key: ApiKeyConfig, tokens: number): Record<string, string> {
  const fingerprint = keyFingerprint(key.key);
  state.quotaUsed.set(fingerprint, (state.quotaUsed.get(fingerprint) ?? 0) + tokens);
  state.limiter.recordTokens(fingerprint, tokens, key.limits);
  return state.limiter.headersFor(fingerprint, key.limits);
}

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`;
}

function badJson(input: HandlerInput): boolean {
  if (input.json?.ok) return false;
  input.ctx.sendError(400, {
    message: input.json?.message ?? 'Invalid JSON body: the request body is empty',
    code: 'invalid_json',
  });
  return true;
}

/** `POST /v1/chat/completions`: JSON or SSE, reasoning, tools, structured output, usage. */
export async function handleChatCompletions(input: HandlerInput): Promise<void> {
  const { state, ctx } = input;
  const key = requireKey(input);
  if (!key || badJson(input) || !input.json?.ok) return;
  const validated = validateChatRequest(input.json.value);
  if (!validated.ok) {
    ctx.sendError(400, validated.error);
    return;
  }
  const request = validated.value;
  const rateHeaders = admitModelCall(input, key, request.model, promptTokensOf(request));
  if (!rateHeaders) return;
  const model = state.models.get(request.model)!;
  const shape = { ...state.stream, ...input.shaping };
  const fault = ctx.fault;
  let plan: ChatPlan;
  try {
    plan = planChatCompletion(request, {
      reasoning: model.reasoning,
      ...(shape.chunks !== undefined ? { chunks: shape.chunks } : {}),
    });
  } catch (error) {
    if (!SchemaTooLargeError.isInstance(error)) throw error;
    ctx.sendError(400, {
      message: error.message,
      code: 'schema_too_large',
      ...(error.param !== undefined ? { param: error.param } : {}),
    });
    return;
  }
  const headers = { ...rateHeaders, ...charge(state, key, plan.usage.total_tokens) };
  ctx.record.totalTokens = plan.usage.total_tokens;
  if (!(await delay(shape.firstByteDelayMs ?? 0, ctx.signal))) return;
  const meta = {
    id: newId('chatcmpl'),
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  };
  if (!request.stream) {
    ctx.sendJson(200, chatCompletionBody(plan, meta), headers, fault?.reset === 'mid-stream');
    return;
  }
  let interrupt: StreamInterrupt | undefined;
  if (fault?.reset === 'mid-stream' || fault?.streamError) {
    interrupt = {
      afterChunks: fault.afterChunks ?? 2,
      action: fault.reset === 'mid-stream' ? 'reset' : 'error',
      ...(fault.streamError ? { errorPayload: streamErrorPayload(fault) } : {}),
    };
  }
  ctx.writeHead(200, { ...headers, ...SSE_HEADERS });
  const outcome = await writeSse(
    ctx.res,
    chatCompletionChunks(plan, meta, {
      chunkSize: shape.chunkSize ?? 16,
      ...(shape.chunks !== undefined ? { chunks: shape.chunks } : {}),
      includeUsage: request.includeUsage,
    }),
    {
      chunkDelayMs: fault?.chunkDelayMs ?? shape.chunkDelayMs ?? 0,
      signal: ctx.signal,
      ...(interrupt ? { interrupt } : {}),
      onEvent: sent => {
        ctx.record.chunks = sent;
      },
    },
  );
  if (outcome === 'reset') ctx.record.outcome = 'reset';
}

/** `POST /v1/embeddings`: deterministic unit vectors, float or base64. */
export function handleEmbeddings(input: HandlerInput): void {
  const { state, ctx } = input;
  const key = requireKey(input);
  if (!key || badJson(input) || !input.json?.ok) return;
  const validated = validateEmbeddingsRequest(input.json.value);
  if (!validated.ok) {
    ctx.sendError(400, validated.error);
    return;
  }
  const request = validated.value;
  const tokens = embeddingsTokensOf(request);
  const rateHeaders = admitModelCall(input, key, request.model, tokens);
  if (!rateHeaders) return;
  const headers = { ...rateHeaders, ...charge(state, key, tokens) };
  ctx.record.totalTokens = tokens;
  ctx.sendJson(
    200,
    embeddingsBody(request, state.embeddingDimensions),
    headers,
    ctx.fault?.reset === 'mid-stream',
  );
}

/** `GET /v1/models`: the OpenAI list format. */
export function handleListModels(input: HandlerInput): void {
  if (!requireKey(input)) return;
  input.ctx.sendJson(
    200,
    modelsListBody([...input.state.models.values()]),
    {},
    input.ctx.fault?.reset === 'mid-stream',
  );
}

/** `GET /v1/models/{id}`: one model, or 404. */
export function handleRetrieveModel(input: HandlerInput): void {
  if (!requireKey(input)) return;
  const id = input.param ?? '';
  const model = input.state.models.get(id);
  if (!model) {
    input.ctx.sendError(404, {
      message: `The model '${id}' does not exist. Use GET /v1/models to list the available models`,
      code: 'model_not_found',
    });
    return;
  }
  input.ctx.sendJson(200, modelObject(model), {}, input.ctx.fault?.reset === 'mid-stream');
}
