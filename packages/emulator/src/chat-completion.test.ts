import { describe, expect, it } from 'vitest';
import { chatCompletionChunks } from './chat-chunks';
import { planChatCompletion } from './chat-completion';
import { type ChatRequest, messageText, validateChatRequest } from './chat-request';
import { splitBySize, splitIntoCount } from './split-text';
import { selectTools } from './tool-calls';

function request(extra: Record<string, unknown> = {}, content: unknown = 'Hello'): ChatRequest {
  const result = validateChatRequest({
    model: 'glm-5.2',
    messages: [{ role: 'user', content }],
    ...extra,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const tool = (name: string) => ({
  type: 'function',
  function: { name, parameters: { type: 'object', properties: {} } },
});

describe('planChatCompletion', () => {
  it('is deterministic and charges reasoning inside completion tokens', () => {
    const a = planChatCompletion(request(), { reasoning: true });
    const b = planChatCompletion(request(), { reasoning: true });
    expect(a).toEqual(b);
    expect(a.reasoning).toBeDefined();
    expect(a.usage.completion_tokens_details?.reasoning_tokens).toBe(
      Math.ceil(a.reasoning!.length / 4),
    );
    expect(a.usage.completion_tokens).toBe(
      Math.ceil(a.reasoning!.length / 4) + Math.ceil(a.content.length / 4),
    );
  });

  it('makes prose long enough for an exact chunk count', () => {
    const plan = planChatCompletion(request(), { reasoning: false, chunks: 5000 });
    expect(plan.content.length).toBeGreaterThanOrEqual(5000);
    expect(splitIntoCount(plan.content, 5000)).toHaveLength(5000);
  });

  it('truncates reasoning first, then content, for max_tokens', () => {
    const plan = planChatCompletion(request({ max_tokens: 2 }), { reasoning: true });
    expect(plan.finishReason).toBe('length');
    expect(plan.reasoning!.length).toBe(8);
    expect(plan.content).toBe('');
  });

  it('reads text from content parts', () => {
    expect(
      messageText([{ type: 'text', text: 'a' }, { type: 'image_url', image_url: {} }, 'b']),
    ).toBe('a[image_url]b');
    const plan = planChatCompletion(request({}, [{ type: 'text', text: 'Parts here' }]), {
      reasoning: false,
    });
    expect(plan.content).toMatch(/^Here is a short overview of parts here\./);
  });
});

describe('selectTools', () => {
  it('matches tool names with spaces for underscores, and "use a tool" phrasing', () => {
    const req = request({ tools: [tool('get_weather'), tool('send_email')] });
    expect(selectTools(req, 'what is the get weather result').map(t => t.name)).toEqual([
      'get_weather',
    ]);
    expect(selectTools(req, 'get_weather then send_email').map(t => t.name)).toEqual([
      'get_weather',
      'send_email',
    ]);
    expect(selectTools(req, 'please use a tool').map(t => t.name)).toEqual(['get_weather']);
    expect(selectTools(req, 'forget the weather')).toEqual([]);
    const single = request({
      tools: [tool('get_weather'), tool('send_email')],
      parallel_tool_calls: false,
    });
    expect(selectTools(single, 'get_weather then send_email').map(t => t.name)).toEqual([
      'get_weather',
    ]);
  });
});

describe('planToolCalls', () => {
  it('does not take numbers from tool names', () => {
    const schema = {
      type: 'object',
      properties: { count: { type: 'integer' } },
      required: ['count'],
    };
    const req = request(
      { tools: [{ type: 'function', function: { name: 'lookup_v2', parameters: schema } }] },
      'call lookup_v2 with 7',
    );
    const plan = planChatCompletion(req, { reasoning: false });
    expect(JSON.parse(plan.toolCalls[0]!.arguments)).toEqual({ count: 7 });
  });
});

describe('chatCompletionChunks', () => {
  it('orders role, reasoning, content, finish, usage', () => {
    const plan = planChatCompletion(request(), { reasoning: true });
    const chunks = [
      ...chatCompletionChunks(
        plan,
        { id: 'x', created: 1, model: 'm' },
        { chunkSize: 1000, includeUsage: true },
      ),
    ] as any[];
    expect(chunks.map(c => Object.keys(c.choices[0]?.delta ?? { usage: 1 })[0])).toEqual([
      'role',
      'reasoning_content',
      'content',
      undefined,
      'usage',
    ]);
    expect(chunks[3].choices[0].finish_reason).toBe('stop');
  });
});

describe('splitting', () => {
  it('splits by size and into exact counts', () => {
    expect(splitBySize('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
    expect(splitIntoCount('abcdefg', 3)).toEqual(['ab', 'cd', 'efg']);
    expect(splitIntoCount('ab', 5)).toEqual(['a', 'b']);
    expect(splitIntoCount('abcdefg', 3).join('')).toBe('abcdefg');
  });
});
