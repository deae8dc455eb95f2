/**
 * What the server says about retrying, honoured end to end: `Retry-After` in seconds, as an HTTP date,
 * `0`, negative, `abc`, `1e9` and a too-long valid value; `retry-after-ms`; `x-should-retry: false`;
 * and the caller aborting during a backoff sleep. Waits are checked twice: the delay the middleware
 * planned (`onRetry`), and the gap between the requests' arrival times at the emulator.
 */
import {
  type AlayaError,
  RateLimitError,
  ServiceUnavailableError,
} from '@alaya-code/ai-sdk-middleware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arrivalGaps,
  type CallRun,
  expectNoKeyLeak,
  expectNoSilentSuccess,
  MODES,
  runCall,
  type Stack,
  startStack,
} from '../support/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Date.now() at the emulator has 1 ms resolution; allow that much rounding. */
const CLOCK_SLACK_MS = 2;

function expectRateLimited(
  run: CallRun,
  attempts: number,
  retryAfterMs: number | undefined,
): AlayaError {
  expect(RateLimitError.isInstance(run.error), String(run.error)).toBe(true);
  const error = run.error as AlayaError;
  expect(error.statusCode).toBe(429);
  expect(error.message).toMatch(/^Rate limit exceeded: the plan's RPM or TPM limit was reached/);
  expect(error.retryAfterMs).toBe(retryAfterMs);
  expect(error.isRetryable).toBe(false);
  expect(run.requests.map(r => r.status)).toEqual(Array(attempts).fill(429));
  expectNoSilentSuccess(run, stack);
  expectNoKeyLeak(run, stack);
  return error;
}

describe.each(MODES)('%s', mode => {
  it('Retry-After: 1 (seconds): waits 1 s before the retry', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ status: 429, retryAfter: '1', times: 2 }],
      middleware: { maxRetries: 1 },
    });
    expectRateLimited(run, 2, 1000);
    expect(run.retries.map(event => event.delayMs)).toEqual([1000]);
    expect(arrivalGaps(run)[0]).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
  });

  it('Retry-After as an HTTP date: no retry arrives before that date', async () => {
    const date = new Date(Date.now() + 2_000).toUTCString();
    const run = await runCall(stack, mode, {
      faults: [{ status: 429, retryAfter: date, times: 2 }],
      middleware: { maxRetries: 1 },
    });
    expect(RateLimitError.isInstance(run.error)).toBe(true);
    const planned = run.retries[0]!.delayMs;
    expect(planned).toBeGreaterThan(0);
    expect(planned).toBeLessThanOrEqual(2_000);
    expect(run.requests[1]!.time).toBeGreaterThanOrEqual(Date.parse(date) - CLOCK_SLACK_MS);
    expect(run.requests).toHaveLength(2);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('Retry-After: 0: retried at once, 3 requests', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ status: 429, retryAfter: '0', times: 3 }],
    });
    expectRateLimited(run, 3, 0);
    expect(run.retries.map(event => event.delayMs)).toEqual([0, 0]);
  });

  it.each(['-1', 'abc', '1e9'])(
    'Retry-After: %s is ignored: the backoff applies (20 ms, 40 ms)',
    async value => {
      const run = await runCall(stack, mode, {
        faults: [{ status: 429, retryAfter: value, times: 3 }],
      });
      expectRateLimited(run, 3, undefined);
      expect(run.retries.map(event => event.delayMs)).toEqual([20, 40]);
      const gaps = arrivalGaps(run);
      expect(gaps[0]).toBeGreaterThanOrEqual(20 - CLOCK_SLACK_MS);
      expect(gaps[1]).toBeGreaterThanOrEqual(40 - CLOCK_SLACK_MS);
    },
  );

  it('Retry-After longer than maxRetryAfterMs: gives up at once instead of hanging', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ status: 429, retryAfter: '3600', times: 3 }],
    });
    const error = expectRateLimited(run, 1, 3_600_000);
    expect(error.exhaustedReason).toBe('retry_after_too_long');
    expect(error.message).toMatch(/3600000 ms/);
    expect(run.retries).toEqual([]);
  });

  it('retry-after-ms: 150 wins over the backoff', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ status: 429, retryAfterMs: '150', times: 3 }],
    });
    expectRateLimited(run, 3, 150);
    expect(run.retries.map(event => event.delayMs)).toEqual([150, 150]);
    for (const gap of arrivalGaps(run)) expect(gap).toBeGreaterThanOrEqual(150 - CLOCK_SLACK_MS);
  });

  it('x-should-retry: false on a 503: not retried, one request', async () => {
    const run = await runCall(stack, mode, {
      faults: [{ status: 503, headers: { 'x-should-retry': 'false' }, times: 3 }],
    });
    expect(ServiceUnavailableError.isInstance(run.error)).toBe(true);
    const error = run.error as AlayaError;
    expect(error.message).toBe('Service unavailable: system maintenance or overload');
    expect(error.exhaustedReason).toBe('not_retryable');
    expect(run.requests.map(r => r.status)).toEqual([503]);
    expect(run.retries).toEqual([]);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });

  it('abort during a backoff sleep: rejects at once (not at the end of the 5 s sleep) with the caller’s reason, no further request', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    // runCall resets the emulator's log as it starts: watch it only after that (a retried test
    // would otherwise see the last run's 503 and abort before this run's first request).
    const running = runCall(stack, mode, {
      faults: [{ status: 503, retryAfter: '5', times: 3 }],
      abortSignal: controller.signal,
    });
    // Abort 100 ms into the 5 s sleep the server asked for.
    const abortWhenSleeping = (async () => {
      for (let i = 0; i < 500 && stack.emulator.requests[0]?.status !== 503; i++) {
        await new Promise(resolve => setTimeout(resolve, 2));
      }
      await new Promise(resolve => setTimeout(resolve, 100));
      abortedAt = performance.now();
      controller.abort();
    })();
    const run = await running;
    await abortWhenSleeping;
    expect(abortedAt).toBeGreaterThan(0);
    // At once: a tenth of the sleep at most, whatever the load of the machine (81 ms was seen with
    // the whole suite and a busy loop on 2 cores); waiting the sleep out would take 4.9 s.
    expect(run.settledAt - abortedAt).toBeLessThan(500);
    expect(run.error).toBe(controller.signal.reason);
    expect((run.error as Error).name).toBe('AbortError');
    expect(run.retries.map(event => event.delayMs)).toEqual([5000]);
    // Well past the abort, still the one request.
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(stack.emulator.requests.map(r => r.status)).toEqual([503]);
    expectNoSilentSuccess(run, stack);
    expectNoKeyLeak(run, stack);
  });
});
