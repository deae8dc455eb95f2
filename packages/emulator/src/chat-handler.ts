import { admitModelCall, badJson, charge, type HandlerInput, newId, requireKey } from './admission';
import { chatCompletionBody, chatCompletionChunks } from './chat-chunks';
import { type ChatPlan, planChatCompletion, promptTokensOf } from './chat-completion';
import type { ChatRequest } from './chat-request';
import { validateChatRequest } from './chat-request';
import { streamErrorPayload } from './fault-response';
import { delay, waitForAbort } from './io';
import type { RequestContext } from './request-context';
import { SchemaTooLargeError } from './schema-budget';
import { SSE_HEADERS, type StreamInterrupt, writeSse } from './sse';
import type { StreamOptions } from './stream-shaping';

/** Plans the answer; a schema too large to fill answers 400 `schema_too_large` (undefined then). */
function planOrRefuse(
  ctx: RequestContext,
  request: ChatRequest,
  reasoning: boolean,
  shape: StreamOptions,
): ChatPlan | undefined {
  try {
    return planChatCompletion(request, {
      reasoning,
      ...(shape.chunks !== undefined ? { chunks: shape.chunks } : {}),
    });
  } catch (error) {
    if (!SchemaTooLargeError.isInstance(error)) throw error;
    ctx.sendError(400, {
      message: error.message,
      code: 'schema_too_large',
      ...(error.param !== undefined ? { param: error.param } : {}),
    });
    return undefined;
  }
}

/** How a stream fault cuts the SSE events short: reset, error event, or stall. */
function streamInterrupt(ctx: RequestContext): StreamInterrupt | undefined {
  const { fault } = ctx;
  if (!fault) return undefined;
  const afterChunks = fault.afterChunks ?? 2;
  if (fault.reset === 'mid-stream') return { afterChunks, action: 'reset' };
  if (fault.stall === 'mid-stream') return { afterChunks, action: 'stall' };
  if (fault.streamError) {
    return { afterChunks, action: 'error', errorPayload: streamErrorPayload(fault, ctx) };
  }
  return undefined;
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
  const shape = { ...state.stream, ...input.shaping };
  const plan = planOrRefuse(ctx, request, state.models.get(request.model)!.reasoning, shape);
  if (!plan) return;
  const headers = { ...rateHeaders, ...charge(state, key, plan.usage.total_tokens) };
  ctx.record.totalTokens = plan.usage.total_tokens;
  if (!(await delay(shape.firstByteDelayMs ?? 0, ctx.signal))) return;
  const meta = {
    id: newId('chatcmpl'),
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  };
  if (!request.stream) {
    await ctx.answer(200, chatCompletionBody(plan, meta), headers);
    return;
  }
  const fault = ctx.fault;
  ctx.writeHead(200, { ...headers, ...SSE_HEADERS });
  if (fault?.stall === 'after-headers') {
    ctx.res.flushHeaders();
    await waitForAbort(ctx.signal);
    return;
  }
  const interrupt = streamInterrupt(ctx);
  const outcome = await writeSse(
    ctx.res,
    chatCompletionChunks(plan, meta, {
      chunkSize: fault?.chunkSize ?? shape.chunkSize ?? 16,
      ...(shape.chunks !== undefined ? { chunks: shape.chunks } : {}),
      includeUsage: request.includeUsage,
    }),
    {
      chunkDelayMs: fault?.dripMs ?? fault?.chunkDelayMs ?? shape.chunkDelayMs ?? 0,
      signal: ctx.signal,
      ...(interrupt ? { interrupt } : {}),
      onEvent: sent => {
        ctx.record.chunks = sent;
      },
    },
  );
  if (outcome === 'reset') ctx.record.outcome = 'reset';
}
