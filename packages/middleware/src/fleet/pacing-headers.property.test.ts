import { APICallError } from '@ai-sdk/provider';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AttemptInfo } from '../attempt-guard';
import { AlayaError } from '../errors/alaya-error';
import { RateLimitError } from '../errors/status-errors';
import { toAlayaError } from '../errors/to-alaya-error';
import { createFleetGuard } from './fleet-guard';
import { usedTokensOf } from './token-estimate';

/** Every header a server's numbers come from, for the pacer, the shared cooldown and the retry loop. */
const NAMES = [
  'x-ratelimit-limit-requests',
  'x-ratelimit-limit-tokens',
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'x-ratelimit-reset-requests',
  'x-ratelimit-reset-tokens',
  'retry-after',
  'retry-after-ms',
] as const;

/** Huge, negative, NaN, fractions, dates (past, far future), units, empty, garbage. */
const headerValue = fc.oneof(
  fc.constantFrom(
    '9'.repeat(309),
    `${'9'.repeat(400)}.5`,
    '1e400',
    '1e308',
    'Infinity',
    'NaN',
    '-1',
    '0',
    '0.0',
    '0.0001',
    '1.5',
    '',
    '  ',
    'abc',
    '1000000000',
    '1000000001',
    '99999999999',
    `${'9'.repeat(309)}h`,
    '250ms',
    '6m0s',
    '1h2m3s',
    'Wed, 21 Oct 2015 07:28:00 GMT',
    'Fri, 31 Dec 9999 23:59:59 GMT',
  ),
  fc.nat().map(String),
  fc.double().map(String),
  fc.stringMatching(/^\d{1,400}(?:\.\d{1,4})?(?:ms|s|m|h)?$/),
  fc.date({ noInvalidDate: true }).map(date => date.toUTCString()),
  fc.string({ maxLength: 12 }),
);

const answer = fc.record({
  limited: fc.boolean(),
  headers: fc.dictionary(fc.constantFrom(...NAMES), headerValue, { maxKeys: NAMES.length }),
  estimatedTokens: fc.integer({ min: 0, max: 4_000 }),
  usedTokens: fc.option(fc.oneof(fc.nat(), fc.double()), { nil: undefined }),
});

const glm: AttemptInfo = { modelId: 'glm-5.2', provider: 'alaya.chat', attempt: 1 };
/** The longest any state learned from one answer may hold a call: the bucket's TTL and the longest cooldown. */
const EVIDENCE_MS = 10 * 60_000 + 300_000;

type Outcome = { sent: true } | { sent: false; error: unknown };

/** Runs `beforeAttempt` to its end on fake time (at most an hour of it). */
async function admit(guard: ReturnType<typeof createFleetGuard>, info: AttemptInfo) {
  let outcome: Outcome | undefined;
  let waitedMs = 0;
  void guard.beforeAttempt(info).then(
    () => {
      outcome = { sent: true };
    },
    error => {
      outcome = { sent: false, error };
    },
  );
  await vi.advanceTimersByTimeAsync(0);
  while (outcome === undefined && waitedMs < 3_600_000) {
    await vi.advanceTimersByTimeAsync(1_000);
    waitedMs += 1_000;
  }
  return { outcome, waitedMs };
}

/** A refusal is a typed `RateLimitError` that says how long, in a finite number of ms. */
function expectTypedRefusal(error: unknown) {
  expect(RateLimitError.isInstance(error)).toBe(true);
  const { retryAfterMs, message } = error as RateLimitError;
  expect(Number.isFinite(retryAfterMs)).toBe(true);
  expect(retryAfterMs).toBeGreaterThanOrEqual(0);
  expect(message).not.toMatch(/NaN|Infinity/);
}

describe('pacing under any rate-limit header a server sends (property)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('every call is sent or fails with a typed error and a finite wait; nothing learned outlives its evidence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(answer, { minLength: 1, maxLength: 8 }),
        fc.constantFrom(true, { rpm: 60, tpm: 30_000 }),
        async (answers, pacing) => {
          const guard = createFleetGuard({ pacing, cooldownSpreadMs: 0 });
          for (const a of answers) {
            const info = { ...glm, estimatedTokens: a.estimatedTokens };
            const { outcome } = await admit(guard, info);
            expect(outcome).toBeDefined();
            if (!outcome?.sent) {
              expectTypedRefusal(outcome?.error);
              continue;
            }
            if (a.limited) {
              const error = toAlayaError(
                new APICallError({
                  message: 'Too Many Requests',
                  url: 'http://127.0.0.1/v1/chat/completions',
                  requestBodyValues: {},
                  statusCode: 429,
                  responseHeaders: a.headers,
                }),
                glm,
              );
              expect(AlayaError.isInstance(error)).toBe(true);
              await guard.onFailure({ ...info, error });
            } else {
              const usedTokens = usedTokensOf({
                inputTokens: {
                  total: a.usedTokens,
                  noCache: undefined,
                  cacheRead: undefined,
                  cacheWrite: undefined,
                },
                outputTokens: { total: undefined, text: undefined, reasoning: undefined },
              });
              await guard.onSuccess({
                ...info,
                responseHeaders: a.headers,
                ...(usedTokens === undefined ? {} : { usedTokens }),
              });
            }
          }
          const state = await guard.getState();
          for (const model of state.models) expect(Number.isFinite(model.cooldownMs)).toBe(true);
          for (const { rpm, tpm, tokens } of state.pacing)
            for (const value of [rpm, tpm, tokens])
              if (value !== undefined) expect(Number.isFinite(value)).toBe(true);
          // Once the evidence is old, a call goes at once, whatever the server said before.
          await vi.advanceTimersByTimeAsync(EVIDENCE_MS);
          const after = await admit(guard, { ...glm, estimatedTokens: 100 });
          expect(after.outcome).toEqual({ sent: true });
          expect(after.waitedMs).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});
