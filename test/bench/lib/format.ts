import type { Spread } from './stats';

/** Formats a number with a fixed number of decimals, or `n/a` when not finite. */
export function fixed(value: number, decimals = 2): string {
  return Number.isFinite(value) ? value.toFixed(decimals) : 'n/a';
}

/** `median (min–max)` with the given decimals. */
export function fmtSpread(s: Spread, decimals = 2, unit = ''): string {
  if (s.n === 0) return 'n/a';
  return `${fixed(s.median, decimals)}${unit} (${fixed(s.min, decimals)}–${fixed(s.max, decimals)})`;
}

/** Milliseconds, shown as ms below 10 s and as s above. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A fraction as a percentage. */
export function pct(fraction: number, decimals = 0): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(decimals)} %` : 'n/a';
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : 'n/a';
}
