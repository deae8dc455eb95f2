import { type ChatRequest, messageText } from './chat-request';
import { createRandom, estimateTokens, randomInt, randomProse, seedOf } from './deterministic';
import { promptHints, schemaValue } from './schema-value';
import { type PlannedToolCall, planToolCalls, selectTools, withParam } from './tool-calls';

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

function toolResultAnswer(request: ChatRequest): string {
  const trailing = [];
  for (let i = request.messages.length - 1; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role !== 'tool') break;
    trailing.unshift(message);
  }
  const names = new Map<string, string>();
  for (const message of request.messages) {
    for (const call of message.tool_calls ?? []) {
      if (call.id && call.function?.name) names.set(call.id, call.function.name);
    }
  }
  return trailing
    .map(message => {
      const name = names.get(message.tool_call_id ?? '') ?? 'tool';
      return `The ${name} tool returned: ${messageText(message.content)}`;
    })
    .join('\n');
}

/**
 * Plans the deterministic answer to a chat request: the same model and messages (and tools and
 * response format) always give the same content, reasoning, tool calls and usage.
 */
export function planChatCompletion(request: ChatRequest, options: PlanOptions): ChatPlan {
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
    ? `The user asked: "${snippet(lastUserText, 60)}". ${randomProse(random, randomInt(random, 12, 24))}`
    : undefined;

  let content = '';
  let toolCalls: PlannedToolCall[] = [];
  if (last?.role === 'tool') {
    content = `${toolResultAnswer(request)}\n${randomProse(random, randomInt(random, 8, 16))}`;
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
      content = JSON.stringify({ answer: randomProse(random, randomInt(random, 8, 16)) });
    } else {
      const echo = lastUserText ? `Echo: ${snippet(lastUserText)}\n` : '';
      const words = Math.max(randomInt(random, 20, 60), options.chunks ?? 0);
      content = `${echo}${randomProse(random, words)}`;
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

  const reasoningTokens = estimateTokens(reasoningText ?? '');
  const completionTokens =
    reasoningTokens +
    estimateTokens(content) +
    toolCalls.reduce((sum, call) => sum + estimateTokens(call.name + call.arguments), 0);
  const promptTokens = promptTokensOf(request);
  return {
    content,
    ...(reasoningText !== undefined ? { reasoning: reasoningText } : {}),
    toolCalls,
    finishReason,
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

/** Response identity shared by the JSON body and every stream chunk. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

/** The `chat.completion` JSON body for a plan. */
export function chatCompletionBody(plan: ChatPlan, meta: CompletionMeta): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: plan.toolCalls.length > 0 && plan.content === '' ? null : plan.content,
  };
  if (plan.reasoning !== undefined) message.reasoning_content = plan.reasoning;
  if (plan.toolCalls.length > 0) {
    message.tool_calls = plan.toolCalls.map(call => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_alaya_emulator',
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: plan.usage,
  };
}

/** How a plan is cut into SSE events. */
export interface ChunkShape {
  /** Characters per content/reasoning/argument delta. */
  chunkSize: number;
  /** Exact number of content deltas (overrides `chunkSize` for content). */
  chunks?: number;
  /** Append a final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

/** Splits `text` into pieces of at most `size` characters. */
export function splitBySize(text: string, size: number): string[] {
  const pieces: string[] = [];
  const step = Math.max(1, Math.floor(size));
  for (let i = 0; i < text.length; i += step) pieces.push(text.slice(i, i + step));
  return pieces;
}

/** Splits `text` into exactly `count` pieces (fewer only when the text is shorter than `count`). */
export function splitIntoCount(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(Math.floor(count), text.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(
      text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)),
    );
  }
  return pieces;
}

/**
 * The `chat.completion.chunk` events of a streamed answer, in order: the role event, reasoning
 * deltas, content deltas, tool-call deltas (name first, then argument pieces), the finish event, and
 * the usage event when asked. A generator, so 100k-chunk streams are never held in memory.
 */
export function* chatCompletionChunks(
  plan: ChatPlan,
  meta: CompletionMeta,
  shape: ChunkShape,
): Generator<Record<string, unknown>> {
  const extra = shape.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    system_fingerprint: 'fp_alaya_emulator',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  });
  yield chunk({ role: 'assistant', content: '' });
  if (plan.reasoning) {
    for (const piece of splitBySize(plan.reasoning, shape.chunkSize)) {
      yield chunk({ reasoning_content: piece });
    }
  }
  if (plan.content) {
    const pieces =
      shape.chunks !== undefined
        ? splitIntoCount(plan.content, shape.chunks)
        : splitBySize(plan.content, shape.chunkSize);
    for (const piece of pieces) yield chunk({ content: piece });
  }
  for (const [index, call] of plan.toolCalls.entries()) {
    yield chunk({
      tool_calls: [
        { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
      ],
    });
    for (const piece of splitBySize(call.arguments, shape.chunkSize)) {
      yield chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
  }
  yield chunk({}, plan.finishReason);
  if (shape.includeUsage) {
    yield {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      system_fingerprint: 'fp_alaya_emulator',
      choices: [],
      usage: plan.usage,
    };
  }
}
