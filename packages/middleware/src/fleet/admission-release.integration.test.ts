import { generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../test-support/emulator-fixture';
import { createFleetGuard, type FleetGuard } from './fleet-guard';
import type { FleetOptions } from './fleet-options';

const API_KEY = 'sk-admission-release-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, model } = fixture;

/** Held by the emulator long enough for any abort to land mid-flight. */
const HELD = { firstByteDelayMs: 30_000 };

/** Waits (real time) until the emulator has logged `count` chat requests. */
async function logged(count: number): Promise<void> {
  for (let i = 0; i < 500 && chat().length < count; i++) {
    await new Promise(resolve => setTimeout(resolve, 10));
  }
  expect(chat().length).toBeGreaterThanOrEqual(count);
}

type Ending = 'caller abort' | 'consumer cancel';

/** A fleet guard that counts the attempts it heard were abandoned (`onAbandon` done). */
interface Observed extends FleetGuard {
  abandoned(): number;
}

function observedGuard(options: FleetOptions): Observed {
  const guard = createFleetGuard(options);
  let abandoned = 0;
  return {
    ...guard,
    onAbandon: async info => {
      await guard.onAbandon?.(info);
      abandoned++;
    },
    abandoned: () => abandoned,
  };
}

/**
 * One call the emulator holds, ended mid-flight once it arrived: by the caller's signal
 * (`generateText`), or by the consumer cancelling the stream before its first content part.
 */
async function endMidFlight(guard: Observed, ending: Ending): Promise<void> {
  const before = chat().length;
  const abandoned = guard.abandoned();
  fixture.emulator.enqueueFaults(HELD);
  if (ending === 'caller abort') {
    const controller = new AbortController();
    const call = generateText({
      model: model({ guard }),
      prompt: 'Hi',
      abortSignal: controller.signal,
      maxRetries: 0,
    }).catch((error: unknown) => error);
    await logged(before + 1);
    controller.abort(new Error('stop button'));
    expect(await call).toMatchObject({ message: 'stop button' });
  } else {
    const { stream } = await model({ guard }).doStream({
      prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    const reader = stream.getReader();
    const read = reader.read().catch(() => undefined);
    await logged(before + 1);
    await reader.cancel('consumer left');
    await read;
    // The cancel returns at once; the attempt winds down (its fetch aborted) just after.
    for (let i = 0; i < 200 && guard.abandoned() === abandoned; i++) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
  }
}

describe('an attempt gives back what it was admitted with, however it ends', () => {
  for (const ending of ['caller abort', 'consumer cancel'] as const) {
    it(`seven slow-start slots taken by attempts ended by ${ending} come back: five concurrent calls are sent at once`, async () => {
      const guard = observedGuard({ pacing: true });
      // No rate known (the emulator sends no x-ratelimit headers): the slow start admits one
      // attempt at a time until answers come back, and holds the rest up to 2 s.
      for (let i = 0; i < 7; i++) await endMidFlight(guard, ending);
      const startedAt = Date.now();
      const calls = Array.from({ length: 5 }, () =>
        generateText({ model: model({ guard }), prompt: 'Hi', maxRetries: 0 }),
      );
      await Promise.all(calls);
      const sent = chat().slice(7);
      expect(sent).toHaveLength(5);
      // A leaked slot holds each of them for the slow start's 2 s; given back, an answer opens
      // the window for the next within milliseconds (generous margin for a loaded machine).
      const latest = Math.max(...sent.map(r => r.time - startedAt));
      expect(latest).toBeLessThan(1_200);
    });

    it(`a half-open probe ended by ${ending} lets the next call probe at once`, async () => {
      const guard = observedGuard({
        circuitBreaker: { failureThreshold: 1, openMs: 100, probeTimeoutMs: 60_000 },
      });
      fixture.emulator.enqueueFaults({ status: 503 });
      await expect(
        generateText({ model: model({ guard, maxRetries: 0 }), prompt: 'Hi', maxRetries: 0 }),
      ).rejects.toMatchObject({ kind: 'service_unavailable' });
      await new Promise(resolve => setTimeout(resolve, 150)); // openMs runs out: half-open
      await endMidFlight(guard, ending); // the probe, ended mid-flight
      const { text } = await generateText({
        model: model({ guard, maxRetries: 0 }),
        prompt: 'Hi',
        maxRetries: 0,
      });
      expect(text.length).toBeGreaterThan(0);
      expect(chat()).toHaveLength(3);
      expect((await guard.getState()).models[0]?.breaker).toBe('closed');
    });
  }

  it('an aborted probe is not a failure: the breaker does not open again', async () => {
    const guard = observedGuard({
      circuitBreaker: { failureThreshold: 1, openMs: 100, probeTimeoutMs: 60_000 },
    });
    fixture.emulator.enqueueFaults({ status: 503 });
    await generateText({ model: model({ guard, maxRetries: 0 }), prompt: 'Hi', maxRetries: 0 })
      .then(() => expect.unreachable())
      .catch(error => expect(error).toMatchObject({ kind: 'service_unavailable' }));
    await new Promise(resolve => setTimeout(resolve, 150));
    await endMidFlight(guard, 'caller abort');
    expect((await guard.getState()).models[0]?.breaker).toBe('half-open');
  });

  it('a lost hedge gives back its retry-budget tokens and its slow-start slot', async () => {
    const guard = observedGuard({
      pacing: true,
      retryBudget: { capacity: 10, timeoutRetryCost: 10 },
    });
    // One answer first: the slow start's window is 2, room for an attempt and its hedge.
    await generateText({ model: model({ guard }), prompt: 'Hi', maxRetries: 0 });
    fixture.emulator.enqueueFaults([{ firstByteDelayMs: 400 }, HELD]);
    const { text } = await generateText({
      model: model({ guard, hedge: { afterMs: 100 } }),
      prompt: 'Hi',
      maxRetries: 0,
    });
    expect(text.length).toBeGreaterThan(0);
    expect(chat()).toHaveLength(3); // the hedge was sent, and lost to the slow first attempt
    const tokens = (await guard.getState()).retryBudgets[0]?.tokens;
    // The window is 3 now (two answers): three slow calls go together unless the hedge kept a
    // slot, which holds the third until the first of them answers.
    fixture.emulator.enqueueFaults({ firstByteDelayMs: 1_500, times: 3 });
    await Promise.all(
      Array.from({ length: 3 }, () =>
        generateText({ model: model({ guard }), prompt: 'Hi', maxRetries: 0 }),
      ),
    );
    const times = chat()
      .slice(3)
      .map(r => r.time);
    expect(times).toHaveLength(3);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(1_000);
    expect(tokens).toBe(10);
  });
});
