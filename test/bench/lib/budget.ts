/** A wall-clock budget for one section: loops check it so the whole run stays under its limit. */
export type Budget = {
  /** Milliseconds left (never negative). */
  remainingMs(): number;
  /** True once the budget is spent. */
  exhausted(): boolean;
  /** Milliseconds since the budget started. */
  elapsedMs(): number;
};

/** Starts a budget of `ms` milliseconds from now. */
export function createBudget(ms: number): Budget {
  const start = performance.now();
  return {
    remainingMs: () => Math.max(0, ms - (performance.now() - start)),
    exhausted: () => performance.now() - start >= ms,
    elapsedMs: () => performance.now() - start,
  };
}

/** Resolves after `ms` milliseconds (bench-side pacing only, never inside a contender). */
export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
