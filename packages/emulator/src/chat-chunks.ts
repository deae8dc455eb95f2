import type { ChatPlan } from './chat-completion';
import { splitBySize, splitIntoCount } from './split-text';

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
