import type { Budget } from './budget';

/**
 * The share of `remainingMs` that phase `index` of a section may spend, given every phase's weight:
 * what earlier phases left unused flows to the later ones, and no phase can starve the ones after it.
 */
export function phaseShareMs(
  remainingMs: number,
  weights: readonly number[],
  index: number,
): number {
  if (index < 0 || index >= weights.length) throw new RangeError(`no phase ${index}`);
  const rest = weights.slice(index).reduce((sum, w) => sum + Math.max(0, w), 0);
  if (rest <= 0) return 0;
  return (Math.max(0, remainingMs) * Math.max(0, weights[index]!)) / rest;
}

/**
 * Whether a phase runs another round: always until `min` rounds are done (a row is never left
 * without measurements because an earlier phase was slow), never past `max`, and in between only
 * when one more round of the mean length measured so far still fits in the phase's time.
 */
export function wantsAnotherRound(state: {
  done: number;
  min: number;
  max: number;
  elapsedMs: number;
  shareMs: number;
}): boolean {
  const { done, min, max, elapsedMs, shareMs } = state;
  if (done >= max) return false;
  if (done < min) return true;
  const meanRoundMs = done > 0 ? elapsedMs / done : 0;
  return elapsedMs + meanRoundMs <= shareMs;
}

/** A sub-budget that runs `min`..`max` rounds of a phase within its share of the section's budget. */
export type Phase = {
  /** Milliseconds this phase may spend (from {@link phaseShareMs} at its start). */
  shareMs: number;
  /** Runs `round(i)` while {@link wantsAnotherRound} says so; returns the number of rounds run. */
  rounds(
    limits: { min: number; max: number },
    round: (index: number) => Promise<void>,
  ): Promise<number>;
};

/**
 * Splits a section's budget between named phases by weight. Each phase's share is taken when the
 * phase starts ({@link phaseShareMs} of what is left), so the split adapts to how long earlier
 * phases really took.
 */
export function createPhases<Name extends string>(
  budget: Budget,
  weights: Readonly<Record<Name, number>>,
): (name: Name) => Phase {
  const names = Object.keys(weights) as Name[];
  const list = names.map(name => weights[name]);
  return name => {
    const shareMs = phaseShareMs(budget.remainingMs(), list, names.indexOf(name));
    return {
      shareMs,
      async rounds(limits, round) {
        const start = performance.now();
        let done = 0;
        while (
          wantsAnotherRound({ done, ...limits, elapsedMs: performance.now() - start, shareMs })
        ) {
          await round(done);
          done++;
        }
        return done;
      },
    };
  };
}
