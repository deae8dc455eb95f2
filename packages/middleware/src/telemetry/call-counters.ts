import type { ModelRef } from '../attempt-guard';
import { MAX_TRACKED_KEYS } from '../util/bounded-map';
import type { AlayaTelemetry, TelemetryWaitReason } from './alaya-telemetry';

/** Counters of one model (or of all models, in `total`). */
export interface CallCounts {
  /** Attempts sent (a hedge counts as one). */
  requests: number;
  /** Attempts that failed and were followed by another attempt of the same model. */
  retries: number;
  /** Attempts answered with 429. */
  rateLimited: number;
  /** Attempts that failed, whatever followed. */
  failures: number;
  /** Times the loop moved on from this model to a fallback model. */
  fallbacks: number;
  /** Times this model's circuit breaker opened. */
  breakerOpens: number;
  /** Streams of this model that broke after content (a reset, `idleTimeoutMs`, an `error` part). */
  streamInterruptions: number;
  /** Of those, the ones `continuation` picked up. */
  continuations: number;
  /** Time spent waiting before attempts of this model, in ms, by reason. */
  waitMs: Record<TelemetryWaitReason, number>;
}

/** What {@link CallCounters.snapshot} returns: totals and one entry per `provider:modelId`. */
export interface CallCountersSnapshot {
  total: CallCounts;
  byModel: Record<string, CallCounts>;
}

/** An {@link AlayaTelemetry} that counts, with a plain snapshot for a health endpoint. */
export interface CallCounters extends AlayaTelemetry {
  /** A copy of the counters now. */
  snapshot(): CallCountersSnapshot;
  /** Sets every counter back to zero. */
  reset(): void;
}

const MAX_MODELS = MAX_TRACKED_KEYS;

function emptyCounts(): CallCounts {
  return {
    requests: 0,
    retries: 0,
    rateLimited: 0,
    failures: 0,
    fallbacks: 0,
    breakerOpens: 0,
    streamInterruptions: 0,
    continuations: 0,
    waitMs: { backoff: 0, retry_after: 0, cooldown: 0, pacing: 0 },
  };
}

function copyCounts(counts: CallCounts): CallCounts {
  return { ...counts, waitMs: { ...counts.waitMs } };
}

/**
 * Counts requests, retries, 429s, failures, fallbacks, breaker opens and waits per model, in memory,
 * without OpenTelemetry. Pass it as `alayaMiddleware({ telemetry: counters })` (alone or with
 * `alayaOpenTelemetry()` in an array) and serve `counters.snapshot()` from a health endpoint.
 * Labels are provider and model ids only; at most 256 models are tracked one by one (the rest count
 * in `total` only).
 */
export function createCallCounters(): CallCounters {
  let total = emptyCounts();
  let byModel = new Map<string, CallCounts>();

  const countsOf = (model: ModelRef): CallCounts[] => {
    const key = `${model.provider}:${model.modelId}`;
    let counts = byModel.get(key);
    if (counts === undefined && byModel.size < MAX_MODELS) {
      counts = emptyCounts();
      byModel.set(key, counts);
    }
    return counts === undefined ? [total] : [total, counts];
  };
  const add = (model: ModelRef, update: (counts: CallCounts) => void) => {
    for (const counts of countsOf(model)) update(counts);
  };

  return {
    startAttempt(start) {
      add(start, c => {
        c.requests++;
      });
      return {
        activate: fn => fn(),
        end: outcome => {
          if (outcome.status !== 'failed') return;
          add(start, c => {
            c.failures++;
            if (outcome.statusCode === 429) c.rateLimited++;
            if (outcome.wait) {
              c.retries++;
              c.waitMs[outcome.wait.reason] += outcome.wait.ms;
            }
          });
        },
      };
    },
    record(event) {
      switch (event.type) {
        case 'fallback':
          add(event.from, c => {
            c.fallbacks++;
          });
          break;
        case 'wait':
          add(event.model, c => {
            c.waitMs[event.reason] += event.ms;
          });
          break;
        case 'breaker':
          if (event.to === 'open') {
            add(event.model, c => {
              c.breakerOpens++;
            });
          }
          break;
        case 'stream_interrupted':
          add(event.model, c => {
            c.streamInterruptions++;
            if (event.continued) c.continuations++;
          });
          break;
        case 'budget_exhausted':
          break;
      }
    },
    snapshot() {
      return {
        total: copyCounts(total),
        byModel: Object.fromEntries([...byModel].map(([key, counts]) => [key, copyCounts(counts)])),
      };
    },
    reset() {
      total = emptyCounts();
      byModel = new Map();
    },
  };
}
