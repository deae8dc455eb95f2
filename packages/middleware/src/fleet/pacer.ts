import { delay } from '@ai-sdk/provider-utils';
import type { AttemptInfo } from '../attempt-guard';
import { RateLimitError } from '../errors/status-errors';
import { callHook } from '../util/call-hook';
import { nextRequestRate, type RateLimitReport } from './rate-limits';

/** Argument of `onPace`: an attempt waited for the pacer before it was sent. */
export interface PaceEvent {
  modelId: string;
  provider: string;
  /** How long it waits, in ms. */
  waitMs: number;
  /** `learned_limit` (from x-ratelimit headers), `adaptive` (from 429s alone) or `stated_limit`. */
  reason: PaceReason;
}

/** Where the pacing rate came from. */
export type PaceReason = 'learned_limit' | 'adaptive' | 'stated_limit';

/** One key's bucket, as `getState()` shows it. */
export interface PaceState {
  key: string;
  /** Requests per minute it paces at (absent: not known yet, not pacing). */
  rpm?: number;
  /** Requests it may send at once now. */
  available: number;
  reason?: PaceReason;
  /** Attempts waiting. */
  waiting: number;
}

/** What {@link createPacer} needs. */
export interface PacerSettings {
  /** Requests per minute never exceeded (a stated plan or `rpm`). */
  ceilingRpm?: number;
  /** Longest an attempt waits for admission before it fails fast (not sent), in ms. */
  maxWaitMs: number;
  onPace?: (event: PaceEvent) => void;
  /** Marks an error the guard made itself (it counts as nothing). */
  own: <E extends Error>(error: E) => E;
}

/** Admission before sending, paced at the learned, adaptive or stated request rate per key. */
export interface Pacer {
  /** Waits (first come, first served; abortable; within the deadline) until the attempt may go. */
  admit(info: AttemptInfo, key: string): Promise<void>;
  /** Learns from an answer: its rate-limit headers, and whether it was a 429. */
  learn(key: string, answer: { limited: boolean; report?: RateLimitReport }): void;
  state(): PaceState[];
}

interface Bucket {
  rpm?: number;
  reason?: PaceReason;
  available: number;
  refilledAt: number;
  /** The last admission in line: the next one waits for it (FIFO). */
  tail: Promise<void>;
  waiting: number;
  /** Admission times in the last minute (for the adaptive rate). */
  sent: number[];
}

const MINUTE = 60_000;
const MAX_KEYS = 256;

/**
 * The pacer of {@link createFleetGuard} (this process's share). A bucket per key holds one second of
 * the rate (at least one request) and refills continuously; without a known rate nothing waits.
 */
export function createPacer(settings: PacerSettings): Pacer {
  const buckets = new Map<string, Bucket>();

  function bucket(key: string): Bucket {
    let b = buckets.get(key);
    if (b === undefined) {
      if (buckets.size >= MAX_KEYS) buckets.clear();
      const rpm = settings.ceilingRpm;
      b = {
        rpm,
        reason: rpm === undefined ? undefined : 'stated_limit',
        available: capacity(rpm),
        refilledAt: Date.now(),
        tail: Promise.resolve(),
        waiting: 0,
        sent: [],
      };
      buckets.set(key, b);
    }
    return b;
  }

  function refill(b: Bucket, now: number): void {
    if (b.rpm !== undefined) {
      b.available = Math.min(
        capacity(b.rpm),
        b.available + ((now - b.refilledAt) * b.rpm) / MINUTE,
      );
    }
    b.refilledAt = now;
  }

  async function take(info: AttemptInfo, b: Bucket): Promise<void> {
    for (;;) {
      const now = Date.now();
      refill(b, now);
      if (b.rpm === undefined || b.available >= 1) {
        if (b.rpm !== undefined) b.available -= 1;
        b.sent.push(now);
        while ((b.sent[0] ?? now) <= now - MINUTE) b.sent.shift();
        return;
      }
      const waitMs = Math.ceil(((1 - b.available) * MINUTE) / b.rpm);
      const limit =
        waitMs > settings.maxWaitMs
          ? `maxPaceWaitMs (${settings.maxWaitMs}ms)`
          : info.deadlineAt !== undefined && now + waitMs > info.deadlineAt
            ? "the call's deadline"
            : undefined;
      if (limit !== undefined) throw settings.own(tooLongError(info, b, waitMs, limit));
      void callHook(settings.onPace, {
        modelId: info.modelId,
        provider: info.provider,
        waitMs,
        reason: b.reason ?? 'adaptive',
      });
      await delay(waitMs, { abortSignal: info.signal });
    }
  }

  return {
    async admit(info, key) {
      const b = bucket(key);
      const before = b.tail;
      let done!: () => void;
      b.tail = new Promise(resolve => {
        done = resolve;
      });
      b.waiting++;
      try {
        await waitTurn(before, info.signal);
        await take(info, b);
      } finally {
        b.waiting--;
        // The next in line waits for this one's turn to end, not for its request.
        void before.then(done, done);
      }
    },

    learn(key, answer) {
      const b = bucket(key);
      const now = Date.now();
      while ((b.sent[0] ?? now) <= now - MINUTE) b.sent.shift();
      const rpm = nextRequestRate(
        b.rpm,
        { ...answer, sentLastMinute: b.sent.length },
        settings.ceilingRpm,
      );
      if (rpm === undefined) return;
      refill(b, now);
      const fromHeaders = answer.report?.requests?.limit !== undefined;
      b.reason =
        settings.ceilingRpm !== undefined && rpm === settings.ceilingRpm
          ? 'stated_limit'
          : fromHeaders
            ? 'learned_limit'
            : 'adaptive';
      if (b.rpm === undefined) b.available = answer.limited ? 0 : capacity(rpm);
      b.rpm = rpm;
      const remaining = answer.report?.requests?.remaining;
      if (remaining !== undefined) b.available = Math.min(b.available, remaining);
      if (answer.limited) b.available = Math.min(b.available, 0);
      b.available = Math.min(b.available, capacity(rpm));
    },

    state() {
      const now = Date.now();
      return [...buckets].map(([key, b]) => {
        refill(b, now);
        return {
          key,
          ...(b.rpm === undefined ? {} : { rpm: b.rpm }),
          available: b.rpm === undefined ? Number.POSITIVE_INFINITY : Math.floor(b.available),
          ...(b.reason === undefined ? {} : { reason: b.reason }),
          waiting: b.waiting,
        };
      });
    },
  };
}

/** One second of the rate, at least one request. */
function capacity(rpm: number | undefined): number {
  return rpm === undefined ? Number.POSITIVE_INFINITY : Math.max(1, rpm / 60);
}

/** Waits for the previous admission's turn to end; an abort ends the wait at once. */
function waitTurn(before: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return before;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void before.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function tooLongError(info: AttemptInfo, b: Bucket, waitMs: number, limit: string): RateLimitError {
  return new RateLimitError({
    message: `Model ${info.modelId} (${info.provider}) is paced at ${Math.round(b.rpm ?? 0)} requests per minute (${b.reason ?? 'adaptive'}); the next slot is ${Math.ceil(waitMs / 1000)}s away, beyond ${limit}. The call was not sent.`,
    hint: 'Reduce request frequency or upgrade the plan; fallbackModels keep serving meanwhile.',
    retryAfterMs: waitMs,
    isRetryable: false,
    modelId: info.modelId,
    provider: info.provider,
  });
}
