import { generateText, streamText } from 'ai';
import { describe, expect, it } from 'vitest';
import { type AttemptGuard, type AttemptInfo, noopAttemptGuard } from '../attempt-guard';
import type { AlayaError } from '../errors/alaya-error';
import { circuitOpenError } from '../errors/circuit-open-error';
import { createFleetGuard } from '../fleet/fleet-guard';
import { useEmulator } from '../test-support/emulator-fixture';

const API_KEY = 'sk-hedge-admission-key-0123456789';
const fixture = useEmulator(API_KEY);
const { chat, provider, model } = fixture;

async function settledAs(index: number, outcome: string): Promise<string | undefined> {
  for (let i = 0; i < 100 && chat()[index]?.outcome !== outcome; i++) {
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return chat()[index]?.outcome;
}

describe('hedge admission over HTTP', () => {
  it("spends a retry through the guard's allowRetry, as a retry after a timeout", async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers' });
    const asked: Array<AttemptInfo & { error: AlayaError }> = [];
    const before: number[] = [];
    const guard: AttemptGuard = {
      ...noopAttemptGuard,
      beforeAttempt: async info => void before.push(info.attempt),
      allowRetry: info => {
        asked.push(info);
        return true;
      },
    };
    const { text } = await generateText({
      model: model({ guard, hedge: { afterMs: 150 } }),
      prompt: 'Hi',
    });
    expect(text.length).toBeGreaterThan(0);
    expect(before).toEqual([1, 2]);
    expect(asked.map(a => [a.attempt, a.error.kind, a.error.message])).toEqual([
      [2, 'timeout', 'No response within hedge.afterMs (150 ms)'],
    ]);
  });

  it('no hedge when the guard refuses it (budget spent, circuit open): the slow attempt is awaited', async () => {
    for (const guard of [
      { ...noopAttemptGuard, allowRetry: () => false },
      {
        ...noopAttemptGuard,
        beforeAttempt: async (info: AttemptInfo) => {
          if (info.attempt > 1) {
            throw circuitOpenError({ ...info, breakerState: 'open', retryInMs: 1000 });
          }
        },
      },
    ]) {
      fixture.emulator.reset();
      fixture.emulator.enqueueFaults({ firstByteDelayMs: 400 });
      const { text } = await generateText({
        model: model({ guard, hedge: { afterMs: 100 } }),
        prompt: 'Hi',
      });
      expect(text.length).toBeGreaterThan(0);
      expect(chat()).toHaveLength(1);
    }
  });

  it('the fleet retry budget pays for hedges and stops them once it is empty', async () => {
    const exhausted: unknown[] = [];
    const guard = createFleetGuard({
      retryBudget: { capacity: 10, timeoutRetryCost: 10, retryCost: 5 },
      onBudgetExhausted: e => void exhausted.push(e),
    });
    const slowCall = async () => {
      fixture.emulator.enqueueFaults({ firstByteDelayMs: 500 });
      const result = streamText({ model: model({ guard, hedge: { afterMs: 100 } }), prompt: 'Hi' });
      expect((await result.text).length).toBeGreaterThan(0);
    };
    await slowCall(); // the hedge costs 10 tokens, its success (attempt 2) refunds a retry's 5
    expect(chat()).toHaveLength(2);
    expect((await guard.getState()).retryBudgets[0]?.tokens).toBe(5);
    fixture.emulator.reset();
    await slowCall(); // 5 tokens left: no hedge
    expect(chat()).toHaveLength(1);
    expect(exhausted).toHaveLength(1);
  });

  it('never sends the hedge before a Retry-After the call was given has run out', async () => {
    fixture.emulator.enqueueFaults([
      { match: { model: 'glm-5.2' }, status: 429, retryAfterMs: '900' },
      { match: { model: 'glm-5.1' }, stall: 'after-headers' },
    ]);
    const { text } = await generateText({
      model: model({
        hedge: { afterMs: 100 },
        // The 429 moves on to glm-5.1 at once; its stalled attempt wants a hedge after 100 ms.
        shouldRetry: error => (error.kind === 'rate_limit' ? false : undefined),
        fallbackModels: [provider().chatModel('glm-5.1')],
      }),
      prompt: 'Hi',
    });
    expect(text.length).toBeGreaterThan(0);
    const [limited, stalled, hedge] = chat();
    expect([limited?.status, stalled?.model, hedge?.model]).toEqual([429, 'glm-5.1', 'glm-5.1']);
    expect(hedge!.time - limited!.time).toBeGreaterThanOrEqual(900);
  });

  it("the caller's abort aborts both attempts", async () => {
    fixture.emulator.enqueueFaults({ stall: 'after-headers', times: 2 });
    const controller = new AbortController();
    const call = generateText({
      model: model({ hedge: { afterMs: 100 } }),
      prompt: 'Hi',
      abortSignal: controller.signal,
      maxRetries: 0,
    });
    for (let i = 0; i < 100 && chat().length < 2; i++) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    controller.abort(new Error('user left'));
    const error = (await call.catch((e: unknown) => e)) as AlayaError;
    expect(error.attempts).toBeUndefined();
    expect(chat()).toHaveLength(2);
    expect([await settledAs(0, 'aborted'), await settledAs(1, 'aborted')]).toEqual([
      'aborted',
      'aborted',
    ]);
  });
});
