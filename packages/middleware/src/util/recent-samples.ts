/**
 * The last `size` samples of a measure, each dropped `maxAgeMs` after it was taken: a fixed ring
 * (memory bounded whatever the traffic), read as sorted values for a percentile. Pure: the caller
 * gives the time, so the arithmetic is tested without a clock.
 */
export interface RecentSamples {
  /** Adds `value` taken at `now`; a value that is not a finite number >= 0 is refused (`false`). */
  add(value: number, now: number): boolean;
  /** The samples younger than `maxAgeMs` at `now`, ascending (a new array). */
  sorted(now: number): number[];
  /** The samples younger than `maxAgeMs` at `now` with the time each was taken, in no order. */
  live(now: number): Sample[];
}

/** One sample and the time it was taken. */
export interface Sample {
  value: number;
  takenAt: number;
}

/** A {@link RecentSamples} of at most `size` samples (an integer >= 1), each live `maxAgeMs`. */
export function createRecentSamples(size: number, maxAgeMs: number): RecentSamples {
  const values = new Float64Array(size);
  const takenAt = new Float64Array(size);
  let count = 0;
  let next = 0;
  const live = (now: number): Sample[] => {
    const samples: Sample[] = [];
    for (let i = 0; i < count; i++) {
      if (now - takenAt[i]! < maxAgeMs) samples.push({ value: values[i]!, takenAt: takenAt[i]! });
    }
    return samples;
  };
  return {
    add(value, now) {
      if (!Number.isFinite(value) || value < 0 || !Number.isFinite(now)) return false;
      values[next] = value;
      takenAt[next] = now;
      next = (next + 1) % size;
      count = Math.min(count + 1, size);
      return true;
    },
    live,
    sorted: now =>
      live(now)
        .map(s => s.value)
        .sort((a, b) => a - b),
  };
}

/**
 * The `q` quantile (0 < q <= 1) of ascending `sorted` by nearest rank: the smallest sample with at
 * least `q` of the samples at or below it. `undefined` when there are none.
 */
export function nearestRank(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return sorted[rank - 1];
}
