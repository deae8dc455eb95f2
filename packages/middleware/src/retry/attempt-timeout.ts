import type { TimedWait } from './timeout-error';

/** A per-attempt timeout: the option that set it, its length and what it waits for. */
export type AttemptTimeout = TimedWait & { option: 'attemptTimeoutMs' | 'firstContentTimeoutMs' };

/** The per-attempt timeout of a call: `attemptTimeoutMs` for generate, `firstContentTimeoutMs` for streams. */
export function attemptTimeoutFor(
  operation: 'generate' | 'stream',
  settings: { attemptTimeoutMs?: number; firstContentTimeoutMs?: number },
): AttemptTimeout | undefined {
  if (operation === 'generate') {
    return settings.attemptTimeoutMs === undefined
      ? undefined
      : { option: 'attemptTimeoutMs', ms: settings.attemptTimeoutMs, waitingFor: 'response' };
  }
  return settings.firstContentTimeoutMs === undefined
    ? undefined
    : {
        option: 'firstContentTimeoutMs',
        ms: settings.firstContentTimeoutMs,
        waitingFor: 'content',
      };
}
