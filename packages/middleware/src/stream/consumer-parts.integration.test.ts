import type { EmulatorFault } from '@alaya-code/emulator';
import {
  jsonSchema,
  readUIMessageStream,
  streamText,
  type TextStreamPart,
  type ToolSet,
  tool,
  type UIMessage,
} from 'ai';
import { convertReadableStreamToArray } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';
import { useEmulator } from '../test-support/emulator-fixture';

/**
 * Every block the consumer saw opened (text, reasoning, tool input) is closed exactly once, before
 * the `finish` or the `error` the stream ends with, wherever the stream broke and whatever the
 * continuation returned. Checked over real HTTP at every break point of an answer, through
 * `streamText` and its UI message stream (where an unclosed text part stays `streaming` forever).
 */
const API_KEY = 'sk-consumer-parts-test-key-0123456789';
const fixture = useEmulator(API_KEY, {
  models: ['glm-5.2', { id: 'plain-text', reasoning: false }],
});
const { model, chat } = fixture;

const PROMPT = 'Tell me about streaming answers.';
/** Characters per delta: the reasoning and the text each take a few events. */
const CHUNK_SIZE = 60;
const IDLE_MS = 300;
/** Continued; a stall before the first content part is retried, one after it continued. */
const ON = {
  continuation: true,
  idleTimeoutMs: IDLE_MS,
  firstContentTimeoutMs: IDLE_MS,
} satisfies AlayaMiddlewareOptions;

const FAULTS = {
  reset: (afterChunks: number): EmulatorFault => ({
    reset: 'mid-stream',
    afterChunks,
    chunkSize: CHUNK_SIZE,
  }),
  'error part': (afterChunks: number): EmulatorFault => ({
    streamError: true,
    afterChunks,
    chunkSize: CHUNK_SIZE,
  }),
  'idle timeout': (afterChunks: number): EmulatorFault => ({
    stall: 'mid-stream',
    afterChunks,
    chunkSize: CHUNK_SIZE,
  }),
};

/** Opened/closed pairs of one stream: what is wrong with them, in words (empty when all is well). */
function blockViolations(
  parts: readonly { type: string; id?: string; toolCallId?: string }[],
  kinds: readonly string[],
): string[] {
  const open = new Set<string>();
  const closed = new Set<string>();
  const wrong: string[] = [];
  for (const part of parts) {
    const [kind, edge] = part.type.split(/-(?=start$|end$)/);
    if (part.type === 'error' && open.size > 0) wrong.push(`error with ${[...open]} open`);
    if (part.type === 'finish' && open.size > 0) wrong.push(`finish with ${[...open]} open`);
    if (!kinds.includes(kind!) || edge === undefined) continue;
    const key = `${kind}:${part.id ?? part.toolCallId}`;
    if (edge === 'start') {
      if (open.has(key) || closed.has(key)) wrong.push(`${key} started twice`);
      open.add(key);
    } else if (closed.has(key)) {
      wrong.push(`${key} ended twice`);
    } else if (!open.delete(key)) {
      wrong.push(`${key} ended without a start`);
    } else {
      closed.add(key);
    }
  }
  if (open.size > 0) wrong.push(`${[...open]} never ended`);
  return wrong;
}

/**
 * Runs `streamText` and reads its UI message stream to the end: the UI chunks, the last message the
 * AI SDK builds from them (or the error it threw reading them), the text and the error chunks.
 */
async function runUi(options: AlayaMiddlewareOptions, modelId = 'glm-5.2') {
  const result = streamText({ model: model(options, modelId), prompt: PROMPT, onError: () => {} });
  const [forChunks, forMessage] = result.toUIMessageStream().tee();
  const reading = convertReadableStreamToArray(forChunks);
  let message: UIMessage | undefined;
  let readError: unknown;
  try {
    for await (const snapshot of readUIMessageStream({ stream: forMessage })) message = snapshot;
  } catch (error) {
    readError = error;
  }
  const chunks = await reading;
  let text = '';
  for (const chunk of chunks) if (chunk.type === 'text-delta') text += chunk.delta;
  const errors = chunks.filter(chunk => chunk.type === 'error');
  return { chunks, message, readError, text, errors };
}

/** Everything wrong with a UI run: block pairs, parts left `streaming`, a chunk the AI SDK rejected. */
function uiViolations(run: Awaited<ReturnType<typeof runUi>>): string[] {
  const wrong = blockViolations(run.chunks, ['text', 'reasoning']);
  if (run.readError !== undefined) wrong.push(`readUIMessageStream threw: ${run.readError}`);
  for (const part of run.message?.parts ?? []) {
    if ((part.type === 'text' || part.type === 'reasoning') && part.state !== 'done') {
      wrong.push(`a ${part.type} part is left ${part.state}`);
    }
  }
  return wrong;
}

/** The SSE events of the clean answer: role event, reasoning, text, finish event (no usage event). */
async function cleanAnswer() {
  const result = streamText({ model: model({}), prompt: PROMPT, headers: shaped() });
  let reasoningDeltas = 0;
  let textDeltas = 0;
  for await (const part of result.fullStream) {
    if (part.type === 'reasoning-delta') reasoningDeltas++;
    if (part.type === 'text-delta') textDeltas++;
  }
  fixture.emulator.reset();
  return { text: await result.text, events: 1 + reasoningDeltas + textDeltas + 1, reasoningDeltas };
}

/** Shapes the clean run as the faulted ones (their fault's `chunkSize`). */
const shaped = () => ({ 'x-alaya-emulator-stream': JSON.stringify({ chunkSize: CHUNK_SIZE }) });

describe('every block the consumer saw opened is closed exactly once (UI message stream)', () => {
  it.each(Object.keys(FAULTS) as (keyof typeof FAULTS)[])(
    'a %s at every break point of a reasoning + text answer, continued',
    async kind => {
      const clean = await cleanAnswer();
      // A few events each, so the sweep stays short (the idle timeouts run in real time).
      expect(clean.reasoningDeltas).toBeGreaterThanOrEqual(2);
      expect(clean.events).toBeLessThanOrEqual(12);
      const wrong: string[] = [];
      // From after the role event to after the finish event (all sent, no `[DONE]`).
      for (let afterChunks = 1; afterChunks <= clean.events; afterChunks++) {
        fixture.emulator.reset();
        fixture.emulator.enqueueFaults(FAULTS[kind](afterChunks));
        const run = await runUi(ON);
        const at = `${kind} after ${afterChunks}/${clean.events} events`;
        for (const violation of uiViolations(run)) wrong.push(`${at}: ${violation}`);
        if (run.errors.length > 0) wrong.push(`${at}: error ${JSON.stringify(run.errors)}`);
        if (run.text !== clean.text) wrong.push(`${at}: text ${JSON.stringify(run.text)}`);
        if (chat().length !== 2) wrong.push(`${at}: ${chat().length} requests`);
      }
      expect(wrong).toEqual([]);
    },
  );

  it('the continuation answers nothing but its finish: the text block still ends before the finish', async () => {
    const clean = await cleanAnswer();
    fixture.emulator.enqueueFaults(FAULTS.reset(clean.events - 1));
    const run = await runUi(ON);
    expect(uiViolations(run)).toEqual([]);
    expect(run.text).toBe(clean.text);
    const types = run.chunks.map(chunk => chunk.type);
    expect(types.filter(type => type === 'text-end')).toHaveLength(1);
    expect(types.indexOf('text-end')).toBeLessThan(types.indexOf('finish'));
  });

  it('the continuation fails (a 400): the open text block ends once, before the error', async () => {
    const clean = await cleanAnswer();
    fixture.emulator.enqueueFaults([FAULTS.reset(clean.events - 2), { status: 400 }]);
    const run = await runUi(ON);
    expect(uiViolations(run)).toEqual([]);
    expect(run.errors).toHaveLength(1);
    const types = run.chunks.map(chunk => chunk.type);
    expect(types.filter(type => type === 'text-end')).toHaveLength(1);
    expect(types.indexOf('text-end')).toBeLessThan(types.indexOf('error'));
    expect(chat()).toHaveLength(2);
  });

  it('the continuation breaks too, past maxContinuations: the text block ends once, before the error', async () => {
    const clean = await cleanAnswer();
    fixture.emulator.enqueueFaults([FAULTS.reset(clean.events - 2), FAULTS['error part'](2)]);
    const run = await runUi({ ...ON, continuation: { maxContinuations: 1 } });
    expect(uiViolations(run)).toEqual([]);
    expect(run.errors).toHaveLength(1);
    expect(run.text.length).toBeGreaterThan(0);
    expect(clean.text.startsWith(run.text)).toBe(true);
    expect(chat()).toHaveLength(2);
  });

  it.each(Object.keys(FAULTS) as (keyof typeof FAULTS)[])(
    'without continuation, a %s in the text: the text block ends once, before the error',
    async kind => {
      const clean = await cleanAnswer();
      fixture.emulator.enqueueFaults(FAULTS[kind](clean.events - 1));
      const run = await runUi({ idleTimeoutMs: IDLE_MS });
      expect(uiViolations(run)).toEqual([]);
      expect(run.errors).toHaveLength(1);
      expect(run.text).toBe(clean.text);
      expect(chat()).toHaveLength(1);
    },
  );
});

describe('tool input blocks are closed exactly once (streamText fullStream)', () => {
  const tools = {
    get_weather: tool({
      description: 'Weather of a city',
      inputSchema: jsonSchema<{ city: string; days: number; units: string }>({
        type: 'object',
        properties: {
          city: { type: 'string' },
          days: { type: 'integer' },
          units: { type: 'string' },
        },
        required: ['city', 'days', 'units'],
      }),
    }),
  } satisfies ToolSet;
  const TOOL_PROMPT = 'Use get_weather for the weather in Paris';
  const TOOL_CHUNK_SIZE = 8;

  async function runTool(fault: EmulatorFault | undefined) {
    if (fault) fixture.emulator.enqueueFaults({ ...fault, chunkSize: TOOL_CHUNK_SIZE });
    const result = streamText({
      model: model(ON, 'plain-text'),
      prompt: TOOL_PROMPT,
      tools,
      headers: { 'x-alaya-emulator-stream': JSON.stringify({ chunkSize: TOOL_CHUNK_SIZE }) },
      onError: () => {},
    });
    const parts: TextStreamPart<typeof tools>[] = [];
    for await (const part of result.fullStream) parts.push(part);
    return parts;
  }

  it.each(Object.keys(FAULTS) as (keyof typeof FAULTS)[])(
    'a %s at every break point of a tool call',
    async kind => {
      const clean = await runTool(undefined);
      const deltas = clean.filter(part => part.type === 'tool-input-delta').length;
      expect(deltas).toBeGreaterThanOrEqual(2);
      // Role event, the name event, the argument pieces, the finish event.
      const events = 1 + 1 + deltas + 1;
      expect(events).toBeLessThanOrEqual(12);
      const wrong: string[] = [];
      let brokenInInput = 0;
      for (let afterChunks = 2; afterChunks <= events; afterChunks++) {
        fixture.emulator.reset();
        const parts = await runTool({ ...FAULTS[kind](afterChunks) });
        const at = `${kind} after ${afterChunks}/${events} events`;
        for (const violation of blockViolations(parts, ['tool-input'])) {
          wrong.push(`${at}: ${violation}`);
        }
        const started = parts.some(part => part.type === 'tool-input-start');
        const called = parts.some(part => part.type === 'tool-call');
        if (started && !called) brokenInInput++;
        // A tool stream is never continued: it ends with the typed error.
        if (parts.filter(part => part.type === 'error').length !== 1) {
          wrong.push(`${at}: not one error part`);
        }
      }
      expect(wrong).toEqual([]);
      expect(brokenInInput).toBeGreaterThanOrEqual(2);
    },
  );
});
