/** Spread of repeated measurements: what every ratio in the report is printed with. */
export type Spread = { min: number; median: number; max: number; n: number };

/** Linear-interpolated percentile (p in [0, 100]) of a list; NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (rank - lo);
}

/** min / median / max of a list. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, n: 0 };
  return {
    min: Math.min(...values),
    median: percentile(values, 50),
    max: Math.max(...values),
    n: values.length,
  };
}

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/**
 * Mean of the values left after dropping the lowest and highest `fraction` of them (10 % each side
 * by default): a throughput figure that one preempted call on a shared machine cannot swing.
 */
export function trimmedMean(values: readonly number[], fraction = 0.1): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length * fraction);
  return mean(sorted.slice(cut, sorted.length - cut));
}

/** A median with its distribution-free 95 % confidence interval. */
export type MedianInterval = { low: number; median: number; high: number; n: number };

/**
 * The median of `values` and its 95 % confidence interval from order statistics (the values of rank
 * n/2 ∓ 1.96·√n/2, no assumption on the distribution): how far the median of another run of the same
 * length may fall, which is what says how small a difference the figure can see. With fewer than 6
 * values the interval is the whole range.
 */
export function medianInterval(values: readonly number[]): MedianInterval {
  const n = values.length;
  if (n === 0) return { low: Number.NaN, median: Number.NaN, high: Number.NaN, n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const half = 0.98 * Math.sqrt(n);
  const lo = Math.max(0, Math.floor(n / 2 - half));
  const hi = Math.min(n - 1, Math.ceil(n / 2 + half) - 1);
  return { low: sorted[lo]!, median: percentile(sorted, 50), high: sorted[hi]!, n };
}
