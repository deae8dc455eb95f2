import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topicOf } from './answer-text';
import { parseArithmetic } from './arithmetic';
import { type Emulator, startEmulator } from './start-emulator';
import { post } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const calculator = {
  type: 'function',
  function: {
    name: 'calculator',
    description: 'Calculator: adds, subtracts, multiplies or divides two numbers exactly.',
    parameters: {
      type: 'object',
      properties: {
        a: { type: 'number' },
        operation: { type: 'string', enum: ['add', 'subtract', 'multiply', 'divide'] },
        b: { type: 'number' },
      },
      required: ['a', 'operation', 'b'],
    },
  },
};

async function ask(body: Record<string, unknown>): Promise<any> {
  const response = await post(emulator, '/chat/completions', { model: 'glm-5.1', ...body });
  expect(response.status).toBe(200);
  return (await response.json()).choices[0].message;
}

const user = (content: string) => [{ role: 'user', content }];

describe('answers that read like answers', () => {
  it('answers in sentences about the prompt, the same way every time', async () => {
    const first = await ask({ messages: user('Tell me about streaming answers.') });
    expect(first.content).toContain('streaming answers');
    const sentences = first.content.split(/(?<=[.!?])\s+/);
    expect(sentences.length).toBeGreaterThanOrEqual(2);
    for (const sentence of sentences) expect(sentence).toMatch(/^[A-Z0-9].*[.!?]$/);
    expect((await ask({ messages: user('Tell me about streaming answers.') })).content).toBe(
      first.content,
    );
    expect(first.reasoning_content).toContain('streaming answers');
  });

  it('leaves the instructions out of the answer and gives the sentences asked for', async () => {
    const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+/);
    const why = await ask({
      messages: user('In one sentence: why should API clients retry with jittered backoff?'),
    });
    expect(sentencesOf(why.content)).toHaveLength(1);
    expect(why.content).toContain('jittered backoff');
    const rivers = await ask({ messages: user('Write two short sentences about rivers.') });
    expect(sentencesOf(rivers.content)).toHaveLength(2);
    expect(rivers.content).toMatch(/\brivers\b/);
    const how = await ask({ messages: user('How do I deploy my app to Vercel?') });
    expect(how.content).toContain('deploy your app to Vercel');
    for (const prompt of [
      'In one sentence: why should API clients retry with jittered backoff?',
      'Write two short sentences about rivers.',
      'Can you briefly explain what a vector database is?',
      'Please tell me about streaming answers.',
      'Summarize the history of the Roman Empire in three sentences.',
    ]) {
      const { content } = await ask({ messages: user(prompt) });
      for (const sentence of sentencesOf(content)) expect(sentence).toMatch(/^[A-Z].*[.!?]$/);
      expect(content).not.toMatch(
        /\b(?:in (?:one|three) sentences?|short sentences|why should|briefly|explain|tell me|summarize|can you|please)\b/i,
      );
      expect(content).not.toMatch(/\b(?:about|of|into|with) (?:in|why|write|can)\b/i);
    }
  });

  it('greets back, says what it is asked to say, and answers simple arithmetic', async () => {
    expect((await ask({ messages: user('Hi') })).content).toBe('Hello! How can I help you today?');
    expect((await ask({ messages: user('Say hello') })).content).toBe('Hello!');
    expect((await ask({ messages: user('What is 12.5 times 8?') })).content).toBe(
      '12.5 times 8 is 100.',
    );
  });

  it('calls a calculator-like tool with sensible arguments for an arithmetic question', async () => {
    const message = await ask({ messages: user('What is 12.5 times 8?'), tools: [calculator] });
    expect(message.tool_calls).toHaveLength(1);
    const call = message.tool_calls[0];
    expect(call.function.name).toBe('calculator');
    expect(JSON.parse(call.function.arguments)).toEqual({ a: 12.5, operation: 'multiply', b: 8 });
    const expression = {
      type: 'function',
      function: {
        name: 'evaluate',
        description: 'Evaluates a math expression',
        parameters: { type: 'object', properties: { expression: { type: 'string' } } },
      },
    };
    const other = await ask({ messages: user('what is 7 / 2'), tools: [expression] });
    expect(JSON.parse(other.tool_calls[0].function.arguments)).toEqual({ expression: '7 / 2' });
  });

  it('does not call an unrelated tool for arithmetic', async () => {
    const weather = {
      type: 'function',
      function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
    };
    const message = await ask({ messages: user('What is 3 plus 4?'), tools: [weather] });
    expect(message.tool_calls).toBeUndefined();
    expect(message.content).toBe('3 plus 4 is 7.');
  });

  it('states the tool result in a natural final answer', async () => {
    const asked = await ask({ messages: user('What is 12.5 times 8?'), tools: [calculator] });
    const call = asked.tool_calls[0];
    const history = [
      ...user('What is 12.5 times 8?'),
      { role: 'assistant', content: null, tool_calls: [call] },
    ];
    for (const result of ['{"result":100}', '100']) {
      const answer = await ask({
        messages: [...history, { role: 'tool', tool_call_id: call.id, content: result }],
        tools: [calculator],
      });
      expect(answer.content).toMatch(/^12\.5 times 8 is 100\.\n/);
      expect(answer.content).not.toContain('{');
    }
    const sentence = await ask({
      messages: [...history, { role: 'tool', tool_call_id: call.id, content: '"12.5 × 8 = 100"' }],
    });
    expect(sentence.content).toContain('The calculator tool returned: 12.5 × 8 = 100.');
  });

  it('finds topics and arithmetic in prompts', () => {
    expect(topicOf('What is the capital of France?')).toBe('the capital of France');
    expect(topicOf('Explain backoff with jitter. Keep it short.')).toBe('backoff with jitter');
    expect(parseArithmetic('What is 7 divided by 0?')).toMatchObject({ result: undefined });
    expect(parseArithmetic('no numbers here')).toBeUndefined();
  });
});

describe('error messages fit their code', () => {
  it('a 429 fault with code insufficient_quota does not say "Rate limit exceeded"', async () => {
    emulator.enqueueFaults({ status: 429, code: 'insufficient_quota' });
    const response = await post(emulator, '/chat/completions', {
      model: 'glm-5.1',
      messages: user('Hi'),
    });
    expect(response.status).toBe(429);
    const { error } = await response.json();
    expect(error.code).toBe('insufficient_quota');
    expect(error.message).not.toMatch(/rate limit/i);
    expect(error.message).toMatch(/quota/i);
  });
});
