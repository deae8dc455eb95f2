import type { AlayaError, AlayaExhaustedReason } from '../errors/alaya-error';
import type { TelemetryAttemptOutcome } from './alaya-telemetry';

/** The telemetry outcome of a failed attempt: numbers and names only, never the message. */
export function failedOutcome(
  error: AlayaError,
  next?: { delayMs: number; serverDelay: boolean } | { exhaustedReason: AlayaExhaustedReason },
): TelemetryAttemptOutcome {
  return {
    status: 'failed',
    kind: error.kind,
    errorType: error.name.replace(/^AI_/, ''),
    ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
    ...(next === undefined
      ? {}
      : 'delayMs' in next
        ? {
            wait: {
              ms: next.delayMs,
              reason: next.serverDelay ? ('retry_after' as const) : ('backoff' as const),
            },
          }
        : { exhaustedReason: next.exhaustedReason }),
  };
}
