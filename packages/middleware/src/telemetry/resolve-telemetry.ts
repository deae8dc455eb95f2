import { checkOptionalImplementation } from '../util/check-option';
import { type AlayaTelemetry, combineTelemetry } from './alaya-telemetry';

const METHODS = ['startAttempt', 'record'] as const;

/** Checks the `telemetry` option (one observer or a list) and combines it into one, or none. */
export function resolveTelemetry(value: unknown): AlayaTelemetry | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  const checked = list.map((item, i) =>
    checkOptionalImplementation<AlayaTelemetry>(
      Array.isArray(value) ? `telemetry[${i}]` : 'telemetry',
      item ?? null,
      METHODS,
    ),
  ) as AlayaTelemetry[];
  return checked.length === 0 ? undefined : combineTelemetry(checked);
}
