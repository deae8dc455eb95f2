import { describe, expect, it } from 'vitest';
import { DEFAULT_HINTS, GENERIC_HINTS } from '../errors/hints';
import { TimeoutError } from '../errors/network-errors';
import { createDeadline } from './deadline';
import { deadlineWording, timeoutError } from './timeout-error';

const openai = { provider: 'openai.chat', modelId: 'gpt-5' };
const alaya = { provider: 'alaya.chat', modelId: 'alaya-pro' };

describe('timeoutError (the one builder of the TimeoutErrors the middleware raises)', () => {
  it('words a timed wait by its option and length; retryable', () => {
    const attempt = timeoutError({
      what: { option: 'attemptTimeoutMs', ms: 300, waitingFor: 'response' },
      model: openai,
      hints: undefined,
    });
    expect(TimeoutError.isInstance(attempt)).toBe(true);
    expect(attempt).toMatchObject({ name: 'AI_TimeoutError', isRetryable: true, ...openai });
    expect(attempt.message).toBe('No response within attemptTimeoutMs (300 ms)');
    const idle = timeoutError({
      what: { option: 'idleTimeoutMs', ms: 500, waitingFor: 'stream part', after: 'content' },
      model: openai,
      hints: undefined,
    });
    expect(idle.message).toBe('No stream part within idleTimeoutMs (500 ms) after content');
    expect(idle.isRetryable).toBe(true);
  });

  it('words a run-out deadline like its note, capitalised; not retryable (1 attempt, 2 attempts)', () => {
    const one = timeoutError({
      what: { deadlineMs: 400, attempts: 1 },
      model: alaya,
      hints: undefined,
    });
    expect(one.message).toBe('Deadline of 400 ms exceeded after 1 attempt');
    expect(one.isRetryable).toBe(false);
    expect(deadlineWording({ deadlineMs: 400, attempts: 2 })).toBe(
      'deadline of 400 ms exceeded after 2 attempts',
    );
    const deadline = createDeadline(400)!;
    expect(deadline.note(2)).toBe('deadline of 400 ms exceeded after 2 attempts');
    expect(deadline.error(1, alaya, undefined).message).toBe(one.message);
  });

  it("gives a non-Alaya provider's timeout the generic hint, Alaya's its own, the same rule as every other error", () => {
    const wait = { option: 'hedge.afterMs', ms: 50, waitingFor: 'content' } as const;
    expect(timeoutError({ what: wait, model: openai, hints: undefined }).hint).toBe(
      GENERIC_HINTS.timeout,
    );
    expect(timeoutError({ what: wait, model: alaya, hints: undefined }).hint).toBe(
      DEFAULT_HINTS.timeout,
    );
    expect(createDeadline(10)!.error(1, openai, undefined).hint).toBe(GENERIC_HINTS.timeout);
  });

  it("lets the user's errorContext.hints.timeout win over the provider's hint, for waits and deadlines", () => {
    const hints = { timeout: 'Call us' };
    const wait = { option: 'firstContentTimeoutMs', ms: 50, waitingFor: 'content' } as const;
    expect(timeoutError({ what: wait, model: openai, hints }).hint).toBe('Call us');
    expect(createDeadline(10)!.error(3, alaya, hints).hint).toBe('Call us');
  });
});
