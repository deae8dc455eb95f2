import { streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import type { AlayaError } from '../errors/alaya-error';
import { TimeoutError } from '../errors/network-errors';
import type { AlayaMiddlewareOptions } from '../options/alaya-middleware-options';
import { useEmulator } from '../test-support/emulator-fixture';

/** `idleTimeoutMs` over real HTTP against the emulator's mid-stream stall and slow drip. */
const API_KEY = 'sk-idle-timeout-test-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

/** Runs `streamText` to its end: text, reasoning, the error parts, part types and the time taken. */
async function run(options: AlayaMiddlewareOptions) {
  const started = Date.now();
  const result = streamText({ model: model(options), prompt: 'Hi', onError: () => {} });
  const errors: unknown[] = [];
  const types: string[] = [];
  let text = '';
  let reasoning = '';
  for await (const part of result.fullStream) {
    types.push(part.type);
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'error') errors.push(part.error);
  }
  return { text, reasoning, errors, types, ms: Date.now() - started, result };
}

/** Waits (a few seconds at most) until the emulator saw every chat request end. */
async function settled(): Promise<void> {
  for (let i = 0; i < 200 && chat().some(r => r.outcome === 'pending'); i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

describe('idleTimeoutMs over HTTP', () => {
  it('a stream that stalls after content ends with one typed TimeoutError part and the upstream closed', async () => {
    const clean = await run({});
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'mid-stream', afterChunks: 4 });
    const cut = await run({ idleTimeoutMs: 400 });

    expect(cut.errors).toHaveLength(1);
    const error = cut.errors[0] as AlayaError;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error.name).toBe('AI_TimeoutError');
    expect(error.message).toBe('No stream part within idleTimeoutMs (400 ms) after content');
    expect(error.requestId).toBe(chat()[0]!.id);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(`${error.message} ${error.stack}`).not.toContain(API_KEY);
    // What flowed before the stall reached the consumer once, then the stream ended cleanly.
    expect(cut.reasoning.length).toBeGreaterThan(0);
    expect(clean.reasoning.startsWith(cut.reasoning)).toBe(true);
    expect(cut.types.filter(t => t === 'start-step')).toHaveLength(1);
    expect(cut.types).not.toContain('abort');
    expect(cut.types.at(-1)).toBe('finish');
    expect(await cut.result.finishReason).toBe('error');
    // Not retried after content; the stalled request was abandoned (its socket closed).
    await settled();
    expect(chat()).toHaveLength(1);
    expect(chat()[0]!.outcome).toBe('aborted');
    expect(cut.ms).toBeLessThan(10_000);
  });

  it('a slow drip whose gaps stay below the idle timeout does not fire it', async () => {
    const clean = await run({});
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ dripMs: 100, chunkSize: 6 });
    const slow = await run({ idleTimeoutMs: 700 });
    expect(slow.errors).toEqual([]);
    expect(slow.text).toBe(clean.text);
    expect(slow.reasoning).toBe(clean.reasoning);
    await settled();
    expect(chat()).toHaveLength(1);
    expect(chat()[0]!.outcome).toBe('completed');
    // The whole drip outlasts the timeout: it is the gap between parts that counts, not the total.
    expect(slow.ms).toBeGreaterThan(700);
  });

  it('a stall before content is not the idle timeout (firstContentTimeoutMs governs it)', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const controller = new AbortController();
    const started = Date.now();
    const result = streamText({
      model: model({ idleTimeoutMs: 200 }),
      prompt: 'Hi',
      abortSignal: controller.signal,
      onError: () => {},
    });
    setTimeout(() => controller.abort(new Error('user left')), 800);
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('abort');
    expect(types).not.toContain('error');
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });
});
