import type { AttemptPace, ModelRef } from '../attempt-guard';
import type { AlayaErrorKind, AlayaExhaustedReason } from '../errors/alaya-error';
import { callHook } from '../util/call-hook';
import { boundTelemetryText } from './bound-telemetry-text';

/** Why the loop waits before an attempt. */
export type TelemetryWaitReason = 'backoff' | 'retry_after' | 'cooldown' | 'pacing';

/** What the retry loop knows when an attempt starts. */
export interface TelemetryAttemptStart {
  /** Provider of the model called. */
  provider: string;
  /** Model called. */
  modelId: string;
  /** 1-based attempt number for this model. */
  attempt: number;
  /** 0 for the primary model, 1 for the first fallback model, … */
  fallbackIndex: number;
  /** `'generate'` for `doGenerate`, `'stream'` for `doStream`, `'embed'` for `doEmbed`. */
  operation: 'generate' | 'stream' | 'embed';
  /** The attempt was started in parallel to a slow one (hedging). */
  hedge?: boolean;
  /** The pacer admitted it: the time it waited, its lane and its tenant's hash. */
  pace?: AttemptPace;
}

/** How an attempt ended. Carries no message, prompt or header: only numbers and names. */
export type TelemetryAttemptOutcome =
  /** The attempt answered (for a stream: its first content part arrived). */
  | { status: 'ok'; statusCode?: number }
  /** The caller aborted, or the attempt ended without an answer for a reason that is not a failure. */
  | { status: 'aborted' }
  | {
      status: 'failed';
      kind: AlayaErrorKind;
      /** Class name of the typed error, e.g. `RateLimitError`. */
      errorType: string;
      statusCode?: number;
      /** Envelope `code`, when the server sent one. */
      code?: string;
      /** The wait before the next attempt of the same model, when there is one. */
      wait?: { ms: number; reason: TelemetryWaitReason };
      /** Why the loop gave up on this model, when it did. */
      exhaustedReason?: AlayaExhaustedReason;
    };

/** Events that happen between attempts. */
export type TelemetryEvent =
  | {
      type: 'fallback';
      from: ModelRef;
      to: ModelRef;
      kind: AlayaErrorKind;
      fallbackIndex: number;
    }
  | { type: 'wait'; model: ModelRef; ms: number; reason: TelemetryWaitReason }
  | { type: 'breaker'; model: ModelRef; from: string; to: string }
  | { type: 'budget_exhausted'; model: ModelRef }
  /**
   * A stream broke after content (a reset, `idleTimeoutMs`, an `error` part): the kind of its error,
   * and whether `continuation` picked it up.
   */
  | { type: 'stream_interrupted'; model: ModelRef; kind: AlayaErrorKind; continued: boolean };

/** One attempt being observed. */
export interface TelemetryAttempt {
  /** Runs `fn` with this attempt as the active trace context (its HTTP spans become children). */
  activate<T>(fn: () => T): T;
  /** Ends the attempt; called once. */
  end(outcome: TelemetryAttemptOutcome): void;
}

/**
 * An observer of the retry loop: `alayaMiddleware({ telemetry })`. Implemented by
 * `alayaOpenTelemetry()` (spans and metrics, from `@alaya-code/ai-sdk-middleware/otel`) and by
 * `createCallCounters()` (a plain snapshot for a health endpoint). Its methods must not throw;
 * the middleware calls them through its safe hook caller anyway.
 */
export interface AlayaTelemetry {
  /** An attempt starts. */
  startAttempt(start: TelemetryAttemptStart): TelemetryAttempt;
  /** Something happened between attempts (fallback, wait, breaker transition, budget refusal). */
  record(event: TelemetryEvent): void;
}

const passThrough: TelemetryAttempt = { activate: fn => fn(), end: () => {} };

/** Combines observers into one; none gives an observer that does nothing. */
export function combineTelemetry(observers: readonly AlayaTelemetry[]): AlayaTelemetry {
  if (observers.length === 1) return guarded(observers[0]!);
  const all = observers.map(guarded);
  return {
    startAttempt(start) {
      const attempts = all.map(o => o.startAttempt(start));
      return {
        activate: fn =>
          attempts.reduceRight<() => ReturnType<typeof fn>>(
            (inner, attempt) => () => attempt.activate(inner),
            fn,
          )(),
        end: outcome => {
          for (const attempt of attempts) attempt.end(outcome);
        },
      };
    },
    record(event) {
      for (const observer of all) observer.record(event);
    },
  };
}

/**
 * An observer whose every method swallows its own failures (telemetry never breaks a call) and gets
 * every string bounded ({@link boundTelemetryText}). `end` and `record` go through the safe hook
 * caller; `startAttempt` and `activate` must answer synchronously, so they are guarded here.
 */
function guarded(observer: AlayaTelemetry): AlayaTelemetry {
  return {
    startAttempt(start) {
      let attempt: TelemetryAttempt;
      try {
        attempt = observer.startAttempt(boundTelemetryText(start));
      } catch {
        return passThrough;
      }
      let activated = false;
      return {
        activate: fn => {
          try {
            return attempt.activate(() => {
              activated = true;
              return fn();
            });
          } catch (error) {
            // A failure of fn itself propagates; one of the observer runs fn bare.
            if (activated) throw error;
            return fn();
          }
        },
        end: outcome => void callHook(attempt.end.bind(attempt), boundTelemetryText(outcome)),
      };
    },
    record: event => void callHook(observer.record.bind(observer), boundTelemetryText(event)),
  };
}
