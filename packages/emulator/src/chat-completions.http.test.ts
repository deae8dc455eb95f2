import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { chatBody, post, sseData } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    models: ['glm-5.2', 'glm-5.1', { id: 'plain-model', reasoning: false }],
  });
});
afterAll(() => emulator.close());

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1, maximum: 7 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      },
      required: ['city', 'days', 'unit'],
      additionalProperties: false,
    },
  },
};

describe('POST /v1/chat/completions (JSON)', () => {
  it('answers in the OpenAI format with reasoning and usage', async () => {
    const response = await post(emulator, '/chat/completions', chatBody());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    const body = await response.json();
    expect(body).toMatchObject({ object: 'chat.completion', model: 'glm-5.2' });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(typeof body.created).toBe('number');
    const [choice] = body.choices;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBe('Hello! How can I help you today?');
    expect(choice.message.reasoning_content).toContain('Hello there');
    const { usage } = body;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(usage.completion_tokens_details.reasoning_tokens).toBeLessThan(usage.completion_tokens);
  });

  it('is deterministic for the same request and differs for another', async () => {
    const one = await (await post(emulator, '/chat/completions', chatBody())).json();
    const two = await (await post(emulator, '/chat/completions', chatBody())).json();
    const other = await (
      await post(emulator, '/chat/completions', chatBody({}, 'Something else'))
    ).json();
    expect(two.choices[0].message).toEqual(one.choices[0].message);
    expect(two.usage).toEqual(one.usage);
    expect(two.id).not.toBe(one.id);
    expect(other.choices[0].message.content).not.toBe(one.choices[0].message.content);
  });

  it('omits reasoning for non-reasoning models and when thinking is disabled', async () => {
    const plain = await (
      await post(emulator, '/chat/completions', chatBody({ model: 'plain-model' }))
    ).json();
    expect(plain.choices[0].message.reasoning_content).toBeUndefined();
    expect(plain.usage.completion_tokens_details).toBeUndefined();
    const disabled = await (
      await post(emulator, '/chat/completions', chatBody({ thinking: { type: 'disabled' } }))
    ).json();
    expect(disabled.choices[0].message.reasoning_content).toBeUndefined();
    expect(disabled.usage.completion_tokens_details.reasoning_tokens).toBe(0);
    const qwenStyle = await (
      await post(emulator, '/chat/completions', chatBody({ enable_thinking: false }))
    ).json();
    expect(qwenStyle.choices[0].message.reasoning_content).toBeUndefined();
  });

  it('stops with finish_reason length when max_tokens is tiny', async () => {
    const body = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({ max_tokens: 3, thinking: { type: 'disabled' } }),
      )
    ).json();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.choices[0].message.content.length).toBeLessThanOrEqual(12);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(3);
  });

  it('cuts the answer at a stop sequence', async () => {
    const body = await (
      await post(emulator, '/chat/completions', chatBody({ stop: ['can'] }))
    ).json();
    expect(body.choices[0].message.content).toBe('Hello! How ');
  });

  it('calls a tool the user names, with schema-valid arguments from the prompt', async () => {
    const response = await post(
      emulator,
      '/chat/completions',
      chatBody({ tools: [weatherTool] }, 'Use get_weather for Paris over the next 3 days'),
    );
    const body = await response.json();
    const [choice] = body.choices;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const [call] = choice.message.tool_calls;
    expect(call.id).toMatch(/^call_/);
    expect(call.type).toBe('function');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(args.city).toBe('Paris');
    expect(args.days).toBe(3);
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
  });

  it('does not call tools for unrelated prompts, or with tool_choice none', async () => {
    const unrelated = await (
      await post(emulator, '/chat/completions', chatBody({ tools: [weatherTool] }))
    ).json();
    expect(unrelated.choices[0].finish_reason).toBe('stop');
    expect(unrelated.choices[0].message.tool_calls).toBeUndefined();
    const none = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({ tools: [weatherTool], tool_choice: 'none' }, 'use get_weather'),
      )
    ).json();
    expect(none.choices[0].message.tool_calls).toBeUndefined();
  });

  it('forces a tool with tool_choice required or named', async () => {
    const required = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({ tools: [weatherTool], tool_choice: 'required' }),
      )
    ).json();
    expect(required.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    const other = {
      type: 'function',
      function: {
        name: 'lookup',
        parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] },
      },
    };
    const named = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({
          tools: [weatherTool, other],
          tool_choice: { type: 'function', function: { name: 'lookup' } },
        }),
      )
    ).json();
    const calls = named.choices[0].message.tool_calls;
    expect(calls).toHaveLength(1);
    expect(calls[0].function.name).toBe('lookup');
    expect(typeof JSON.parse(calls[0].function.arguments).q).toBe('string');
  });

  it('answers a tool result with text that quotes it', async () => {
    const body = await (
      await post(emulator, '/chat/completions', {
        model: 'glm-5.2',
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Use get_weather for Paris' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":21}' },
        ],
      })
    ).json();
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.choices[0].message.content).toContain(
      'The get_weather tool returned temperature 21.',
    );
  });

  it('returns JSON satisfying a json_schema response format', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        rating: { type: 'number', minimum: 0, maximum: 5 },
        author: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
      required: ['title', 'tags', 'rating', 'author'],
      additionalProperties: false,
    };
    const body = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'r', schema, strict: true },
          },
        }),
      )
    ).json();
    const value = JSON.parse(body.choices[0].message.content);
    expect(Object.keys(value).sort()).toEqual(['author', 'rating', 'tags', 'title']);
    expect(typeof value.title).toBe('string');
    expect(value.tags.length).toBeGreaterThanOrEqual(1);
    expect(value.rating).toBeGreaterThanOrEqual(0);
    expect(value.rating).toBeLessThanOrEqual(5);
    expect(typeof value.author.name).toBe('string');
    const object = await (
      await post(
        emulator,
        '/chat/completions',
        chatBody({ response_format: { type: 'json_object' } }),
      )
    ).json();
    expect(typeof JSON.parse(object.choices[0].message.content).answer).toBe('string');
  });
});

describe('POST /v1/chat/completions (SSE)', () => {
  it('streams role, reasoning and content deltas, finish, usage and [DONE]', async () => {
    const response = await post(
      emulator,
      '/chat/completions',
      chatBody({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map(d => JSON.parse(d));
    expect(chunks.every(c => c.object === 'chat.completion.chunk')).toBe(true);
    expect(new Set(chunks.map(c => c.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    const reasoning = chunks.map(c => c.choices[0]?.delta?.reasoning_content ?? '').join('');
    const content = chunks.map(c => c.choices[0]?.delta?.content ?? '').join('');
    const json = await (await post(emulator, '/chat/completions', chatBody())).json();
    expect(content).toBe(json.choices[0].message.content);
    expect(reasoning).toBe(json.choices[0].message.reasoning_content);
    const finish = chunks.find(c => c.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe('stop');
    const last = chunks.at(-1);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(json.usage);
    expect(chunks.slice(0, -1).every(c => c.usage === null)).toBe(true);
  });

  it('sends no usage chunk without include_usage', async () => {
    const data = sseData(
      await (await post(emulator, '/chat/completions', chatBody({ stream: true }))).text(),
    );
    const chunks = data.slice(0, -1).map(d => JSON.parse(d));
    expect(chunks.every(c => c.usage === undefined && c.choices.length === 1)).toBe(true);
  });

  it('streams tool calls as a name delta and several argument deltas', async () => {
    const data = sseData(
      await (
        await post(
          emulator,
          '/chat/completions',
          chatBody(
            { stream: true, tools: [weatherTool] },
            'Please call get_weather for Rome, 5 days',
          ),
        )
      ).text(),
    );
    const deltas = data
      .slice(0, -1)
      .map(d => JSON.parse(d).choices[0]?.delta?.tool_calls?.[0])
      .filter(Boolean);
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(deltas[0].id).toMatch(/^call_/);
    expect(deltas.length).toBeGreaterThan(2);
    const args = JSON.parse(deltas.map(d => d.function.arguments).join(''));
    expect(args).toMatchObject({ city: 'Rome', days: 5 });
    const finish = JSON.parse(data.at(-2)!);
    expect(finish.choices[0].finish_reason).toBe('tool_calls');
  });

  it('honours the chunk count and size from the stream header and the options', async () => {
    const data = sseData(
      await (
        await post(
          emulator,
          '/chat/completions',
          chatBody({ stream: true, thinking: { type: 'disabled' } }),
          {
            headers: { 'x-alaya-emulator-stream': '{"chunks":500}' },
          },
        )
      ).text(),
    );
    const contentChunks = data.slice(0, -1).filter(d => JSON.parse(d).choices[0]?.delta?.content);
    expect(contentChunks).toHaveLength(500);
    const sized = sseData(
      await (
        await post(
          emulator,
          '/chat/completions',
          chatBody({ stream: true, thinking: { type: 'disabled' } }),
          {
            headers: { 'x-alaya-emulator-stream': '{"chunkSize":4}' },
          },
        )
      ).text(),
    );
    const pieces = sized
      .slice(0, -1)
      .map(d => JSON.parse(d).choices[0]?.delta?.content as string | undefined)
      .filter(piece => piece);
    expect(pieces.slice(0, -1).every(piece => piece!.length === 4)).toBe(true);
  });

  it('rejects an invalid stream header with 400', async () => {
    const response = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      headers: { 'x-alaya-emulator-stream': '{"chunks":-1}' },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_emulator_stream');
    const notJson = await post(emulator, '/chat/completions', chatBody({ stream: true }), {
      headers: { 'x-alaya-emulator-stream': 'chunks=3' },
    });
    expect((await notJson.json()).error.code).toBe('invalid_emulator_stream');
  });

  it('delays chunks with chunkDelayMs', async () => {
    const started = Date.now();
    const body = chatBody({ stream: true, thinking: { type: 'disabled' } });
    const response = await post(emulator, '/chat/completions', body, {
      headers: { 'x-alaya-emulator-stream': '{"chunks":3,"chunkDelayMs":40}' },
    });
    await response.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(120);
  });
});
