import type { AlayaTelemetry, TelemetryAttemptStart } from '../telemetry/alaya-telemetry';

/** Telemetry that records every attempt start (for tests). */
export function recorder(): AlayaTelemetry & { starts: TelemetryAttemptStart[] } {
  const starts: TelemetryAttemptStart[] = [];
  return {
    starts,
    startAttempt: start => {
      starts.push(start);
      return { activate: fn => fn(), end: () => {} };
    },
    record: () => {},
  };
}
