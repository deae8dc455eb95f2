import { MINUTE_MS } from './rate-limits';

/** The longest an entry of a store lives: a day. Every wait and TTL the guard asks for is far shorter. */
export const MAX_ENTRY_TTL_MS = 24 * 60 * MINUTE_MS;

/**
 * The TTL a store gives an entry, in whole ms: at least 1, at most {@link MAX_ENTRY_TTL_MS}. A TTL
 * that is not a number (`NaN`) is 1 ms: state computed from garbage is dropped, never kept for good.
 */
export function storeTtlMs(ms: number): number {
  if (Number.isNaN(ms)) return 1;
  return Math.min(MAX_ENTRY_TTL_MS, Math.max(1, Math.ceil(ms)));
}
