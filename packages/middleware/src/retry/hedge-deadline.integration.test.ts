import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../errors/network-errors';
import { useEmulator } from '../test-support/emulator-fixture';
import type { HedgeEvent } from './retry-events';

/**
 * Hedging within `deadlineMs`: when the attempt and its hedge both stall, the call ends at the
 * deadline with one typed `TimeoutError`, and both requests are aborted (nothing hangs or leaks).
 */
const API_KEY = 'sk-hedge-deadline-test-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

const DEADLINE_MS = 800;
/** Far above the deadline: only a hang reaches it. */
const HANG_MS = 8_000;

/** Waits (real time, bounded) until the emulator saw request `index` end as `outcome`. */
async function settledAs(index: number, outcome: string): Promise<string | undefined> {
  for (let i = 0; i < 100 && chat()[index]?.outcome !== outcome; i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return chat()[index]?.outcome;
}

const hedgedModel = (hedges: HedgeEvent[]) =>
  model({ hedge: { afterMs: 150 }, deadlineMs: DEADLINE_MS, onHedge: e => void hedges.push(e) });

async function expectBothAborted(): Promise<void> {
  expect(chat()).toHaveLength(2);
  expect(await settledAs(0, 'aborted')).toBe('aborted');
  expect(await settledAs(1, 'aborted')).toBe('aborted');
}

describe('hedge with deadlineMs over HTTP', () => {
  it('generate: both attempts stall; the call rejects at the deadline with one TimeoutError', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers', times: 2 });
    const hedges: HedgeEvent[] = [];
    const started = Date.now();
    const error = await generateText({ model: hedgedModel(hedges), prompt: 'Hi' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(TimeoutError.isInstance(error)).toBe(true);
    const timeout = error as TimeoutError;
    expect(timeout.exhaustedReason).toBe('deadline');
    expect(timeout.isRetryable).toBe(false);
    expect(timeout.message).toContain(`${DEADLINE_MS} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(HANG_MS);
    expect(hedges).toHaveLength(1);
    await expectBothAborted();
  });

  it('stream: both attempts stall; the stream ends at the deadline with one TimeoutError part', async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers', times: 2 });
    const hedges: HedgeEvent[] = [];
    const started = Date.now();
    const result = streamText({ model: hedgedModel(hedges), prompt: 'Hi', onError: () => {} });
    const errors: unknown[] = [];
    const types: string[] = [];
    for await (const part of result.fullStream) {
      types.push(part.type);
      if (part.type === 'error') errors.push(part.error);
    }
    const elapsed = Date.now() - started;
    expect(errors).toHaveLength(1);
    expect(TimeoutError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as TimeoutError).exhaustedReason).toBe('deadline');
    expect(types).not.toContain('text-delta');
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 5);
    expect(elapsed).toBeLessThan(HANG_MS);
    expect(hedges).toHaveLength(1);
    await expectBothAborted();
  });
});
