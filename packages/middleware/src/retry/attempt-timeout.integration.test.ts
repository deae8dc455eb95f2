import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import type { AlayaError } from '../errors/alaya-error';
import { useEmulator } from '../test-support/emulator-fixture';

const API_KEY = 'sk-timeout-test-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

describe('per-attempt timeouts over HTTP', () => {
  it('attemptTimeoutMs: a generate attempt that stalls after its headers is retried as a TimeoutError', async () => {
    const clean = (await generateText({ model: model({}), prompt: 'Hi' })).text;
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const retries: AlayaError[] = [];
    const { text } = await generateText({
      model: model({ attemptTimeoutMs: 500, onRetry: e => void retries.push(e.error) }),
      prompt: 'Hi',
    });
    expect(text).toBe(clean);
    expect(chat()).toHaveLength(2);
    expect(retries.map(e => [e.name, e.isRetryable])).toEqual([['AI_TimeoutError', true]]);
    expect(retries[0]!.message).toBe('No response within attemptTimeoutMs (500 ms)');
  });

  it('attemptTimeoutMs: every attempt stalls, the typed error carries the history and no key', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers', times: 3 });
    const error = (await generateText({
      model: model({ attemptTimeoutMs: 300, maxRetries: 2 }),
      prompt: 'Hi',
    }).catch((e: unknown) => e)) as AlayaError;
    expect(error.name).toBe('AI_TimeoutError');
    expect(error.attempts?.map(a => a.kind)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(error.message).not.toContain(API_KEY);
  });

  it('the caller abort stays an abort, not a TimeoutError', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user left')), 200);
    const error = await generateText({
      model: model({ attemptTimeoutMs: 5000 }),
      prompt: 'Hi',
      abortSignal: controller.signal,
      maxRetries: 0,
    }).catch((e: unknown) => e);
    // Rethrown as the provider reported it (the caller's abort inside its body read), never mapped.
    expect((error as AlayaError).name).not.toBe('AI_TimeoutError');
    expect((error as AlayaError).attempts).toBeUndefined();
    expect(chat()).toHaveLength(1);
  });

  it('firstContentTimeoutMs: a stream that stalls after its headers is retried invisibly', async () => {
    const clean = await streamText({ model: model({}), prompt: 'Hi' }).text;
    fixture.emulator.reset();
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const result = streamText({ model: model({ firstContentTimeoutMs: 500 }), prompt: 'Hi' });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(await result.text).toBe(clean);
    expect(types.filter(t => t === 'start-step')).toHaveLength(1);
    expect(types).not.toContain('error');
    expect(chat()).toHaveLength(2);
  });

  it('a slow drip below the timeouts does not fire them', async () => {
    fixture.emulator.enqueueFaults({ dripMs: 50 });
    const result = streamText({ model: model({ firstContentTimeoutMs: 2000 }), prompt: 'Hi' });
    expect((await result.text).length).toBeGreaterThan(0);
    expect(chat()).toHaveLength(1);
  });
});
