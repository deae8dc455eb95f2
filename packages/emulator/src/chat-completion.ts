import { answerText, reasoningText as reasoningFor } from './answer-text';
import { type ChatRequest, messageText } from './chat-request';
import { createRandom, estimateTokens, seedOf } from './deterministic';
import { promptHints, schemaValue } from './schema-value';
import { type PlannedToolCall, planToolCalls, selectTools, withParam } from './tool-calls';
import { toolResultAnswer } from './tool-result-answer';

/** Token usage in the OpenAI wire format. */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

/** Everything the emulated model answers for one request, before it is serialised. */
export interface ChatPlan {
  content: string;
  reasoning?: string;
  toolCalls: PlannedToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage: ChatUsage;
}

/** How the answer is shaped for a given model and request. */
export interface PlanOptions {
  /** The model returns `reasoning_content`. */
  reasoning: boolean;
  /** Exact number of content deltas wanted when streaming: prose is made long enough for it. */
  chunks?: number;
}

/** Estimated prompt tokens of a request (messages, plus tool definitions). */
export function promptTokensOf(request: Pick<ChatRequest, 'messages' | 'tools'>): number {
  let tokens = 0;
  for (const message of request.messages) {
    tokens += 4 + estimateTokens(messageText(message.content));
    if (message.tool_calls) tokens += estimateTokens(JSON.stringify(message.tool_calls));
  }
  if (request.tools.length > 0) tokens += estimateTokens(JSON.stringify(request.tools));
  return tokens;
}

function snippet(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Plans the deterministic answer to a chat request: the same model and messages (and tools and
 * response format) always give the same content, reasoning, tool calls and usage.
 *
 * Continuation: when the last message is an assistant message whose text is a prefix of the answer
 * to the conversation without it, the answer is the rest of that answer (no reasoning), so a
 * client that splices a continuation after an interrupted stream reads the uninterrupted answer.
 */
export function planChatCompletion(request: ChatRequest, options: PlanOptions): ChatPlan {
  return planContinuation(request, options) ?? planAnswer(request, options);
}

function planContinuation(request: ChatRequest, options: PlanOptions): ChatPlan | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== 'assistant' || request.messages.length < 2 || last.tool_calls?.length) {
    return undefined;
  }
  const prefix = messageText(last.content);
  if (prefix.length === 0) return undefined;
  const whole = planChatCompletion(
    { ...request, messages: request.messages.slice(0, -1) },
    options,
  );
  if (whole.toolCalls.length > 0 || !whole.content.startsWith(prefix)) return undefined;
  return finishPlan(request, options, {
    content: whole.content.slice(prefix.length),
    toolCalls: [],
    finishReason: whole.finishReason,
  });
}

function planAnswer(request: ChatRequest, options: PlanOptions): ChatPlan {
  const random = createRandom(
    seedOf(
      request.model,
      request.messages,
      request.tools,
      request.responseFormat,
      request.toolChoice,
    ),
  );
  const last = request.messages[request.messages.length - 1];
  const lastUser = [...request.messages].reverse().find(message => message.role === 'user');
  const lastUserText = messageText(lastUser?.content);
  const reasoningOn = options.reasoning && !request.thinkingDisabled;
  const reasoning = reasoningOn
    ? reasoningFor(random, lastUserText, snippet(lastUserText, 60))
    : undefined;

  let content = '';
  let toolCalls: PlannedToolCall[] = [];
  if (last?.role === 'tool') {
    content = toolResultAnswer(request, lastUserText);
  } else {
    const selected = last?.role === 'user' ? selectTools(request, lastUserText) : [];
    if (selected.length > 0) {
      toolCalls = planToolCalls(selected, lastUserText, random);
    } else if (request.responseFormat.type === 'json_schema') {
      const hints = promptHints(lastUserText);
      const { schema } = request.responseFormat;
      content = JSON.stringify(
        withParam('response_format.json_schema.schema', () =>
          schemaValue(schema, { random, ...hints }),
        ),
      );
    } else if (request.responseFormat.type === 'json_object') {
      content = JSON.stringify({ answer: answerText(random, lastUserText) });
    } else {
      content = answerText(random, lastUserText, options.chunks ?? 0);
    }
  }

  let finishReason: ChatPlan['finishReason'] = toolCalls.length > 0 ? 'tool_calls' : 'stop';
  let reasoningText = reasoning;
  if (toolCalls.length === 0) {
    for (const stop of request.stop) {
      const at = content.indexOf(stop);
      if (at >= 0) content = content.slice(0, at);
    }
    if (request.maxTokens !== undefined) {
      const reasoningTokens = estimateTokens(reasoningText ?? '');
      const total = reasoningTokens + estimateTokens(content);
      if (total > request.maxTokens) {
        finishReason = 'length';
        const keptReasoning = Math.min(reasoningTokens, request.maxTokens);
        if (reasoningText !== undefined) reasoningText = reasoningText.slice(0, keptReasoning * 4);
        content = content.slice(0, (request.maxTokens - keptReasoning) * 4);
      }
    }
  }

  return finishPlan(request, options, {
    content,
    ...(reasoningText !== undefined ? { reasoning: reasoningText } : {}),
    toolCalls,
    finishReason,
  });
}

/** Completes a plan with its usage (reasoning tokens count as completion tokens). */
function finishPlan(
  request: ChatRequest,
  options: PlanOptions,
  answer: Omit<ChatPlan, 'usage'>,
): ChatPlan {
  const reasoningTokens = estimateTokens(answer.reasoning ?? '');
  const completionTokens =
    reasoningTokens +
    estimateTokens(answer.content) +
    answer.toolCalls.reduce((sum, call) => sum + estimateTokens(call.name + call.arguments), 0);
  const promptTokens = promptTokensOf(request);
  return {
    ...answer,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0 },
      ...(options.reasoning
        ? { completion_tokens_details: { reasoning_tokens: reasoningTokens } }
        : {}),
    },
  };
}
