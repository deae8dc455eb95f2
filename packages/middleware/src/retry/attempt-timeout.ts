import type { TelemetryAttemptStart } from '../telemetry/alaya-telemetry';
import type { SignalTimer } from '../util/timer-signal';
import type { TimedWait } from './timeout-error';

/**
 * A per-attempt timeout: the option that set it, its length and what it waits for; as the timer of
 * an attempt's signal (see `timerSignal`), it aborts with `'<option> exceeded'`.
 */
export type AttemptTimeout = TimedWait &
  SignalTimer & { option: 'attemptTimeoutMs' | 'firstContentTimeoutMs' };

/**
 * The per-attempt timeout of a call: `firstContentTimeoutMs` for streams, `attemptTimeoutMs` for
 * the one-shot calls (generate, embed).
 */
export function attemptTimeoutFor(
  operation: TelemetryAttemptStart['operation'],
  settings: { attemptTimeoutMs?: number; firstContentTimeoutMs?: number },
): AttemptTimeout | undefined {
  if (operation === 'stream') {
    return settings.firstContentTimeoutMs === undefined
      ? undefined
      : {
          option: 'firstContentTimeoutMs',
          ms: settings.firstContentTimeoutMs,
          waitingFor: 'content',
          message: 'firstContentTimeoutMs exceeded',
        };
  }
  return settings.attemptTimeoutMs === undefined
    ? undefined
    : {
        option: 'attemptTimeoutMs',
        ms: settings.attemptTimeoutMs,
        waitingFor: 'response',
        message: 'attemptTimeoutMs exceeded',
      };
}
