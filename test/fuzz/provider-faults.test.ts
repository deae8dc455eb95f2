/**
 * The provider + middleware under random emulator fault schedules, over real HTTP: whatever the
 * server does (statuses, bodies, resets, SSE errors, slow bytes, odd retry headers) and whatever the
 * caller does (deadline, abort, timeout), every call ends in a result or a typed error (or the
 * caller's own abort reason), never an unhandled rejection, never a hang past its bound, never more
 * requests than the middleware's attempts, and never with the planted key in an error, a retry
 * event, a console line, an emulator log line or `JSON.stringify` output.
 */
import { AlayaError } from '@alaya-code/ai-sdk-middleware';
import type { EmulatorFault } from '@alaya-code/emulator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkProperty } from '../support/fuzz.js';
import { findKeyLeaks } from '../support/leaks.js';
import { settle, trackUnhandledRejections } from '../support/process-events.js';
import { type CallRun, type Mode, runCall, type Stack, startStack } from '../support/stack.js';

const RUNS = 300;
/** Slack over the computed bound for a call (event loop, loopback, GC) before it counts as a hang. */
const HANG_SLACK_MS = 1_500;

let stack: Stack;
const emulatorLog: string[] = [];
beforeAll(async () => {
  stack = await startStack({ logger: line => emulatorLog.push(line) });
});
afterAll(async () => {
  await stack?.close();
});

const status = fc.constantFrom(
  400,
  401,
  402,
  403,
  404,
  408,
  409,
  413,
  422,
  429,
  500,
  502,
  503,
  504,
  529,
);
const smallRetryAfter = fc.constantFrom('0', '-1', 'abc', '1e9', '3600', new Date(0).toUTCString());

/** One server misbehaviour, with every delay kept small so hundreds of runs stay quick. */
const fault: fc.Arbitrary<EmulatorFault> = fc.oneof(
  fc.record(
    {
      status,
      body: fc.constantFrom<EmulatorFault['body']>(
        'json',
        'html',
        'text',
        'empty',
        'truncated-json',
      ),
      retryAfter: smallRetryAfter,
      retryAfterMs: fc.constantFrom('0', '5', '-3', 'x'),
      headers: fc.constantFrom<Record<string, string>>(
        { 'x-should-retry': 'false' },
        { 'x-should-retry': 'true' },
        {},
      ),
      code: fc.constantFrom('insufficient_quota', 'rate_limit_exceeded'),
      firstByteDelayMs: fc.nat({ max: 20 }),
    },
    { requiredKeys: ['status'] },
  ),
  fc.record({
    reset: fc.constant('before-headers' as const),
    firstByteDelayMs: fc.nat({ max: 20 }),
  }),
  fc.record({
    reset: fc.constant('mid-stream' as const),
    afterChunks: fc.integer({ min: 1, max: 6 }),
    chunkDelayMs: fc.nat({ max: 5 }),
  }),
  fc.record({ streamError: fc.constant(true), afterChunks: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ nonJson200: fc.constant(true) }),
  fc.record({ firstByteDelayMs: fc.nat({ max: 300 }), chunkDelayMs: fc.nat({ max: 5 }) }),
);

const scenario = fc.record({
  mode: fc.constantFrom<Mode>('generate', 'stream'),
  faults: fc.array(fault, { maxLength: 4 }),
  maxRetries: fc.nat({ max: 3 }),
  initialDelayMs: fc.nat({ max: 5 }),
  jitter: fc.constantFrom<'full' | 'none'>('full', 'none'),
  deadlineMs: fc.integer({ min: 50, max: 600 }),
  caller: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('abort' as const), afterMs: fc.nat({ max: 150 }) }),
    fc.record({ kind: fc.constant('timeout' as const), afterMs: fc.integer({ min: 1, max: 150 }) }),
  ),
});

/**
 * The error the caller saw is typed, or is exactly the caller's own abort reason. An error the
 * middleware gave up on is final (`isRetryable: false`, so the AI SDK adds no attempts); an error
 * part after a stream's first content may stay retryable, for `streamText({ streamRetries })`.
 */
function expectTypedOrCallerAbort(run: CallRun, signal: AbortSignal | undefined): void {
  if (run.error === undefined) {
    expect(typeof run.text).toBe('string');
    return;
  }
  if (signal?.aborted && run.error === signal.reason) return;
  expect(AlayaError.isInstance(run.error), `untyped failure: ${String(run.error)}`).toBe(true);
  const error = run.error as AlayaError;
  if (run.mode === 'generate' || error.exhaustedReason !== undefined) {
    expect(error.isRetryable).toBe(false);
  }
}

describe('provider + middleware under random fault schedules', { retry: 0 }, () => {
  it('every call ends in a result or a typed error, in bounded time, without leaks', async () => {
    const unhandled = trackUnhandledRejections();
    let results = 0;
    let typed = 0;
    let aborted = 0;
    try {
      await checkProperty(
        'provider random fault schedules',
        fc.asyncProperty(scenario, async s => {
          emulatorLog.length = 0;
          const controller = new AbortController();
          const signal =
            s.caller.kind === 'none'
              ? undefined
              : s.caller.kind === 'timeout'
                ? AbortSignal.timeout(s.caller.afterMs)
                : controller.signal;
          const abortTimer =
            s.caller.kind === 'abort'
              ? setTimeout(() => controller.abort(), s.caller.afterMs)
              : undefined;
          // The longest a call may legitimately take: the deadline, plus a stream's tail after its
          // first content (the deadline stops at first content), plus slack.
          const bound = s.deadlineMs + 40 * 5 + HANG_SLACK_MS;
          let hangTimer: ReturnType<typeof setTimeout> | undefined;
          const run = await Promise.race([
            runCall(stack, s.mode, {
              faults: s.faults,
              middleware: {
                maxRetries: s.maxRetries,
                initialDelayMs: s.initialDelayMs,
                jitter: s.jitter,
                deadlineMs: s.deadlineMs,
              },
              ...(signal ? { abortSignal: signal } : {}),
              settleMs: 5,
            }),
            new Promise<never>((_, reject) => {
              hangTimer = setTimeout(
                () => reject(new Error(`call still running after ${bound} ms`)),
                bound,
              );
            }),
          ]).finally(() => {
            clearTimeout(hangTimer);
            clearTimeout(abortTimer);
          });

          expectTypedOrCallerAbort(run, signal);
          if (run.error === undefined) results++;
          else if (AlayaError.isInstance(run.error)) typed++;
          else aborted++;
          // The AI SDK's own retries never multiply the middleware's attempts.
          expect(run.fetchCalls).toBeLessThanOrEqual(s.maxRetries + 1);
          const attempts = run.requests.filter(r => r.path === '/v1/chat/completions');
          expect(attempts.length).toBeLessThanOrEqual(run.fetchCalls);

          const values: unknown[] = [
            run.error,
            ...run.retries,
            ...run.consoleLines,
            ...emulatorLog,
          ];
          if (run.stream) values.push(...run.stream.errors, run.stream.text);
          if (run.error instanceof Error) values.push(JSON.stringify(run.error));
          expect(findKeyLeaks(stack.key, values)).toEqual([]);

          await settle();
          expect(unhandled.reasons).toEqual([]);
        }),
        RUNS,
      );
    } finally {
      unhandled.stop();
    }
    console.log(
      `[fuzz] provider outcomes: ${results} results, ${typed} typed errors, ${aborted} caller aborts`,
    );
    // The schedules must reach all three endings, or the property tested less than it claims.
    expect(results).toBeGreaterThan(0);
    expect(typed).toBeGreaterThan(0);
    expect(aborted).toBeGreaterThan(0);
  }, 120_000);
});
