import type { AttemptInfo, ModelRef } from '../attempt-guard';
import type { AlayaError, AlayaExhaustedReason } from '../errors/alaya-error';
import { failedOutcome } from '../telemetry/telemetry-outcome';
import { callHook } from '../util/call-hook';
import { sleep } from '../util/sleep';
import { openAdmission } from './admission';
import type { CallState } from './call-state';
import { attemptRound } from './hedge';
import { decideRetry } from './retry-decision';
import type { AttemptFailure } from './send-attempt';

/** How one model ended: its result, or its last typed error and why the loop stopped on it. */
export type ModelOutcome<T, M extends ModelRef> =
  | { ok: true; result: T; model: M; modelIndex: number }
  | { ok: false; error: AlayaError; reason: AlayaExhaustedReason; note?: string };

/**
 * Calls `model` until an attempt succeeds or the retry decision says stop. Typed errors pass through
 * as they are, other failures are mapped once with `toAlayaError`. The caller's abort and
 * configuration errors are rethrown untouched. A slow attempt may get a hedge (`hedge` option).
 */
export async function retryModel<T, M extends ModelRef>(
  call: CallState<T, M>,
  model: M,
  fallbackIndex: number,
): Promise<ModelOutcome<T, M>> {
  const { settings, signal, deadline } = call;
  const { guard } = settings;
  const ref: ModelRef = { provider: model.provider, modelId: model.modelId };
  let lastError: AlayaError | undefined;

  /** The failure whose retry `allowRetry` paid for, and the wait before that retry. */
  let retry: { of: AlayaError; delayMs: number } | undefined;
  /** Retries that spent none of `maxRetries` (a pacer's learning cost, see `decideRetry`). */
  let learningRetries = 0;

  for (let attempt = 1; ; attempt++) {
    const info: AttemptInfo = { ...ref, attempt, signal, deadlineAt: deadline?.at };
    if (call.estimatedTokens !== undefined) info.estimatedTokens = call.estimatedTokens;
    Object.assign(info, call.operation.lane);
    if (settings.telemetry !== undefined) info.telemetry = settings.telemetry;
    // Whatever the guard grants this attempt (its paid retry, a slot, the probe) is given back in
    // the `finally` unless an answer settled it: the caller's abort, a block, the deadline.
    const admission = openAdmission(guard, info);
    try {
      if (retry !== undefined) {
        admission.paidBy(retry.of);
        await sleep(retry.delayMs, signal);
        retry = undefined;
      }
      const blocked = await admission.enter(signal);
      if (blocked) {
        call.recordFailure(info, blocked, 0);
        return { ok: false, error: blocked, reason: 'not_retryable' };
      }
      if (deadline?.passedIn(0)) {
        if (lastError) {
          return {
            ok: false,
            error: lastError,
            reason: 'deadline',
            note: deadline.note(call.failures()),
          };
        }
        const error = deadline.error(call.failures(), ref, settings.errorContext.hints);
        return { ok: false, error, reason: 'deadline' };
      }

      const round = await attemptRound(call, { model, fallbackIndex, admission });
      attempt = round.lastAttempt;
      const decisive = round.ok ? undefined : decisiveFailure(round.failures, model);
      for (const failure of round.failures) {
        if (failure === decisive) continue;
        failure.observed?.end(failedOutcome(failure.error));
        call.recordFailure(failure.target.admission.info, failure.error, failure.durationMs);
      }
      if (round.ok) {
        const { target } = round;
        return {
          ok: true,
          result: round.result,
          model: target.model,
          modelIndex: target.fallbackIndex,
        };
      }
      const { error, durationMs, observed } = decisive!;
      const failed = { ...info, attempt: decisive!.target.admission.info.attempt };
      if (decisive!.deadline) {
        observed?.end(failedOutcome(error, { exhaustedReason: 'deadline' }));
        call.recordFailure(failed, error, durationMs);
        return { ok: false, error, reason: 'deadline' };
      }
      lastError = error;
      const decision = await decideRetry({
        error,
        info: { ...info, attempt, paced: decisive!.target.admission.info.paced },
        settings,
        durationMs,
        deadline,
        learningRetries,
      });
      if (decision.retry && decision.learning) learningRetries++;
      observed?.end(
        failedOutcome(
          error,
          decision.retry
            ? { delayMs: decision.delayMs, serverDelay: decision.serverDelay }
            : { exhaustedReason: decision.reason },
        ),
      );
      if (!decision.retry) {
        call.recordFailure(failed, error, durationMs);
        const note =
          decision.reason === 'deadline' ? deadline?.note(call.failures()) : decision.note;
        return { ok: false, error, reason: decision.reason, note };
      }
      call.recordFailure(failed, error, durationMs, decision.delayMs);
      void callHook(settings.onRetry, { attempt, error, delayMs: decision.delayMs, model: ref });
      retry = { of: error, delayMs: decision.delayMs };
    } finally {
      await admission.end();
    }
  }
}

/**
 * The failure the retry decision is about: of this model's failures (a hedge on a fallback model
 * says nothing about this one), the one that carries a server's `Retry-After`, else the last.
 */
function decisiveFailure<M extends ModelRef>(
  failures: AttemptFailure<M>[],
  model: M,
): AttemptFailure<M> {
  const own = failures.filter(f => f.target.model === model);
  const candidates = own.length > 0 ? own : failures;
  return candidates.find(f => f.error.retryAfterMs != null) ?? candidates[candidates.length - 1]!;
}
