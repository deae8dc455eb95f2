import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from './start-emulator';
import { post, sseData } from './test-http';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

const question = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Tell me about streaming answers.' },
];

async function answerOf(messages: unknown[]): Promise<{ text: string; usage: any }> {
  const response = await post(emulator, '/chat/completions', { model: 'glm-5.1', messages });
  const body = await response.json();
  return { text: body.choices[0].message.content, usage: body.usage };
}

/** The content of a stream that the emulator stalls after `afterChunks` events. */
async function stalledPrefix(afterChunks: number): Promise<string> {
  const controller = new AbortController();
  const response = await post(
    emulator,
    '/chat/completions',
    { model: 'glm-5.1', stream: true, thinking: { type: 'disabled' }, messages: question },
    {
      signal: controller.signal,
      headers: {
        'x-alaya-emulator-fault': JSON.stringify({ stall: 'mid-stream', afterChunks }),
        'x-alaya-emulator-stream': JSON.stringify({ chunkSize: 5 }),
      },
    },
  );
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (sseData(text).length < afterChunks) {
    const { value } = await reader.read();
    text += decoder.decode(value, { stream: true });
  }
  controller.abort();
  return sseData(text)
    .map(event => JSON.parse(event).choices[0].delta.content ?? '')
    .join('');
}

describe('continuation from an assistant prefix', () => {
  it('answers the rest of the answer, so the spliced text equals the uninterrupted one', async () => {
    const whole = await answerOf(question);
    for (const cut of [1, 7, Math.floor(whole.text.length / 2), whole.text.length - 1]) {
      const prefix = whole.text.slice(0, cut);
      const rest = await answerOf([...question, { role: 'assistant', content: prefix }]);
      expect(prefix + rest.text).toBe(whole.text);
      expect(rest.usage.completion_tokens).toBe(Math.ceil(rest.text.length / 4));
    }
  });

  it('continues a stream that stalled mid-answer', async () => {
    const whole = await answerOf(question);
    const prefix = await stalledPrefix(6);
    expect(prefix.length).toBeGreaterThan(0);
    expect(whole.text.startsWith(prefix)).toBe(true);
    const response = await post(emulator, '/chat/completions', {
      model: 'glm-5.1',
      stream: true,
      messages: [...question, { role: 'assistant', content: [{ type: 'text', text: prefix }] }],
    });
    const events = sseData(await response.text());
    expect(events.at(-1)).toBe('[DONE]');
    const deltas = events.slice(0, -1).map(event => JSON.parse(event).choices[0]?.delta ?? {});
    expect(deltas.some(delta => delta.reasoning_content !== undefined)).toBe(false);
    expect(prefix + deltas.map(delta => delta.content ?? '').join('')).toBe(whole.text);
  });

  it('answers normally when the assistant text is not a prefix of its answer', async () => {
    const whole = await answerOf(question);
    const other = await answerOf([...question, { role: 'assistant', content: 'Something else' }]);
    expect(other.text.length).toBeGreaterThan(0);
    expect(whole.text.startsWith(`Something else${other.text}`)).toBe(false);
  });
});
