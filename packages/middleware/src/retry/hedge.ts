import type { AttemptInfo, ModelRef } from '../attempt-guard';
import { callHook } from '../util/call-hook';
import { sleep } from '../util/sleep';
import { type Admission, openAdmission } from './admission';
import type { CallState } from './call-state';
import { hedgeDue } from './hedge-due';
import {
  type AttemptFailure,
  type AttemptSettled,
  type AttemptTarget,
  sendAttempt,
} from './send-attempt';
import { timeoutError } from './timeout-error';

/**
 * One step of the retry loop: an attempt, plus its hedge when it was slow. `failures` are in the
 * order they happened; `lastAttempt` is the highest attempt number used on the step's model.
 */
export type Round<T, M extends ModelRef> =
  | {
      ok: true;
      result: T;
      target: AttemptTarget<M>;
      failures: AttemptFailure<M>[];
      lastAttempt: number;
    }
  | { ok: false; failures: AttemptFailure<M>[]; lastAttempt: number };

/** An attempt's outcome, or what it threw (the caller's abort, a configuration error). */
type Outcome<T, M extends ModelRef> = { value: AttemptSettled<T, M> } | { thrown: unknown };

interface Running<T, M extends ModelRef> {
  target: AttemptTarget<M>;
  outcome: Promise<Outcome<T, M>>;
  /** Aborts the attempt as lost to a rival; none when no rival can be sent. */
  lost: AbortController | undefined;
}

const refOf = ({ model }: AttemptTarget<ModelRef>): ModelRef => ({
  provider: model.provider,
  modelId: model.modelId,
});

/**
 * Sends `primary`; with the `hedge` option, when it has produced no content after `afterMs` (and
 * the call has not hedged yet), sends one more attempt in parallel. With `afterMs: 'auto'` the
 * delay is the model's learned one (`hedge-delay.ts`; none during its warm-up), `primary`'s time
 * to content, when it answers, is its next sample, and a late `primary` is hedged only when late
 * alone among its peers (`hedge-due.ts`: a slowdown they share waits for their answers). The first
 * to answer wins, the other is aborted (its result, should it still arrive, is discarded). The hedge is admitted like a
 * retry: its model needs a retry left, it waits out a `Retry-After` seen during the call, the
 * guard's `beforeAttempt` runs and its `allowRetry` (retry budget) must agree. The caller's abort
 * (and a configuration error) aborts both and is rethrown. Each started attempt ends its admission
 * when it settles (a lost one gives back what it was admitted with).
 */
export async function attemptRound<T, M extends ModelRef>(
  call: CallState<T, M>,
  primary: AttemptTarget<M>,
): Promise<Round<T, M>> {
  const { hedge } = call.settings;
  if (hedge === undefined || !call.mayHedge()) {
    return finish(primary, await sendAttempt(call, primary));
  }
  const startedAt = Date.now();
  const key = { ...refOf(primary), operation: call.operation.name };
  const tracked = hedge.delay.track(key, startedAt);
  // The one sample: this attempt's time to content when it answers (hedged or not). Not a hedge's
  // (sent late, in a race it joined because the first was slow), nor a failed, stalled or lost
  // attempt's: it has no time to content, and the time it was cut at would let every stall raise
  // the delay (a stalled share above 1 - the percentile would ratchet it up without end).
  // No hedge can go (no retry left, no fallback to hedge on): the attempt needs no `lost` signal.
  const rivalled = hedgePlan(call, primary) !== undefined;
  const first = start(call, primary, rivalled, () => {
    const now = Date.now();
    hedge.delay.learn(key, now - startedAt, now);
  });
  // However it ends (answer, failure, abort, lost to its hedge), it counts in flight no more.
  void first.outcome.then(tracked.end);
  const afterMs = await hedgeDue(first.outcome, hedge.delay, key, tracked);
  const second =
    afterMs === undefined
      ? undefined
      : await admitHedge(call, primary, first.outcome, startedAt, afterMs);
  if (second === undefined) return finish(primary, unwrap(await first.outcome));
  return race(call, primary, [first, second]);
}

/**
 * Starts `target`, abortable as lost when it may be `rivalled`; `answered` runs the moment it
 * answers (before its admission ends).
 */
function start<T, M extends ModelRef>(
  call: CallState<T, M>,
  target: AttemptTarget<M>,
  rivalled: boolean,
  answered?: () => void,
): Running<T, M> {
  const lost = rivalled ? new AbortController() : undefined;
  const outcome = sendAttempt(call, target, lost?.signal)
    .then(
      value => {
        if (value.status === 'ok') answered?.();
        return { value };
      },
      (thrown: unknown) => ({ thrown }),
    )
    .finally(() => target.admission.end());
  return { target, outcome, lost };
}

function unwrap<T, M extends ModelRef>(outcome: Outcome<T, M>): AttemptSettled<T, M> {
  if ('thrown' in outcome) throw outcome.thrown;
  return outcome.value;
}

/** The round of a single attempt (no hedge sent). */
function finish<T, M extends ModelRef>(
  primary: AttemptTarget<M>,
  settled: AttemptSettled<T, M>,
): Round<T, M> {
  const lastAttempt = primary.admission.info.attempt;
  if (settled.status === 'ok') {
    return { ok: true, result: settled.result, target: settled.target, failures: [], lastAttempt };
  }
  if (settled.status === 'failed') return { ok: false, failures: [settled], lastAttempt };
  throw new Error('alayaMiddleware: an attempt was aborted as lost without a rival');
}

/** Where the hedge goes and the attempt it is, before the guard admits it. */
interface HedgePlan<M extends ModelRef> {
  model: M;
  fallbackIndex: number;
  info: AttemptInfo;
}

/** The hedge's target: the next fallback model (`model: 'fallback'`), else the same model. */
function hedgePlan<T, M extends ModelRef>(
  call: CallState<T, M>,
  primary: AttemptTarget<M>,
): HedgePlan<M> | undefined {
  const { info } = primary.admission;
  const next =
    call.settings.hedge?.model === 'fallback' ? call.models[primary.fallbackIndex + 1] : undefined;
  if (next !== undefined) {
    const hedged = { ...info, provider: next.provider, modelId: next.modelId, attempt: 1 };
    return { model: next, fallbackIndex: primary.fallbackIndex + 1, info: hedged };
  }
  // Same model: the hedge is its next attempt, so it needs a retry left.
  if (info.attempt > call.settings.maxRetries) return undefined;
  const same = { ...info, attempt: info.attempt + 1 };
  return { model: primary.model, fallbackIndex: primary.fallbackIndex, info: same };
}

/**
 * Admits and sends the hedge, or returns `undefined` when it may not go (or `first` settled); a
 * hedge that does not go gives back whatever it was admitted with.
 */
async function admitHedge<T, M extends ModelRef>(
  call: CallState<T, M>,
  primary: AttemptTarget<M>,
  first: Promise<unknown>,
  startedAt: number,
  afterMs: number,
): Promise<Running<T, M> | undefined> {
  const plan = hedgePlan(call, primary);
  if (plan === undefined) return undefined;
  const settled = new AbortController();
  void first.then(() => settled.abort());
  const signal = call.signal ? AbortSignal.any([call.signal, settled.signal]) : settled.signal;
  const admission = openAdmission(call.settings.guard, { ...plan.info, signal });
  // A throw is a wait cut short: `first` settled or the caller aborted.
  const go = await clearHedge(call, primary, admission, signal, afterMs).catch(() => false);
  if (!go) {
    await admission.end();
    return undefined;
  }
  call.markHedged();
  const target: AttemptTarget<M> = { ...plan, admission, hedge: true };
  void callHook(call.settings.onHedge, {
    attempt: primary.admission.info.attempt,
    model: refOf(primary),
    hedgeModel: refOf(target),
    waitedMs: Date.now() - startedAt,
  });
  return start(call, target, true);
}

/**
 * Whether the hedge may go now: after a `Retry-After` seen during the call, the guard's
 * `beforeAttempt` lets it through and its `allowRetry` pays for it, within the deadline.
 */
async function clearHedge<T, M extends ModelRef>(
  call: CallState<T, M>,
  primary: AttemptTarget<M>,
  admission: Admission,
  signal: AbortSignal,
  afterMs: number,
): Promise<boolean> {
  const { settings } = call;
  const serverWait = call.serverWaitLeft();
  if (serverWait > 0) await sleep(serverWait, signal);
  const blocked = await admission.enter(call.signal);
  if (blocked || signal.aborted || call.deadline?.passedIn(0)) return false;
  const waiting = call.operation.name === 'stream' ? 'content' : 'response';
  const slowness = timeoutError({
    what: { option: 'hedge.afterMs', ms: afterMs, waitingFor: waiting },
    model: refOf(primary),
    hints: settings.errorContext.hints,
  });
  const { info } = admission;
  const allowed = await callHook(i => settings.guard.allowRetry(i), { ...info, error: slowness });
  if (allowed === false) return false;
  admission.paidBy(slowness);
  return !signal.aborted;
}

/** Waits for the first answer of the two; aborts the other. Both failing ends the round failed. */
async function race<T, M extends ModelRef>(
  call: CallState<T, M>,
  primary: AttemptTarget<M>,
  running: [Running<T, M>, Running<T, M>],
): Promise<Round<T, M>> {
  const failures: AttemptFailure<M>[] = [];
  const pending = new Set([0, 1]);
  const lastAttempt = Math.max(
    ...running.map(r => (r.target.model === primary.model ? r.target.admission.info.attempt : 0)),
  );
  /** Aborts the attempts still running; each gives back its admission before the round ends. */
  const abortOthers = async () => {
    call.noteAbandoned(pending.size);
    const others = [...pending].map(i => running[i]!);
    for (const other of others) {
      other.lost?.abort();
      void other.outcome.then(o => {
        if ('value' in o && o.value.status === 'ok') call.operation.discard?.(o.value.result);
      });
    }
    await Promise.all(others.map(other => other.target.admission.end()));
  };
  while (pending.size > 0) {
    const [i, outcome] = await Promise.race(
      [...pending].map(j => running[j]!.outcome.then(o => [j, o] as const)),
    );
    pending.delete(i);
    if ('thrown' in outcome) {
      await abortOthers();
      throw outcome.thrown;
    }
    const settled = outcome.value;
    if (settled.status === 'ok') {
      await abortOthers();
      return { ok: true, result: settled.result, target: settled.target, failures, lastAttempt };
    }
    if (settled.status === 'failed') failures.push(settled);
  }
  return { ok: false, failures, lastAttempt };
}
