import { within } from '../util/within';
import type { LearnedRate } from './learn-rate';
import type { RateAdjustment } from './resilience-store';

/**
 * The reserved waits of one key's attempts in this instance, re-spaced when its rate is cut. A take
 * is a reservation at the rate of its moment: an `embedMany` whose 45 batches all reserved at a
 * first estimate 2 % above the limit kept sending at it for 50 s while each 429 cut the rate on
 * paper (to a quarter of the limit), and a batch met three 429s and failed the job. A cut to `f` of
 * the rate stretches what is left of each wait by `1 / f`: the attempts go at the new rate, in the
 * same order.
 */
export interface ReservedWaits {
  /** One stretch per attempt waiting now (removed when its wait ends, however it ends). */
  readonly waiting: Set<(factor: number) => void>;
}

export function createReservedWaits(): ReservedWaits {
  return { waiting: new Set() };
}

/**
 * Waits `ms` (abortable: rejects with the caller's reason), what is left of it stretched at each
 * {@link stretchWaits}.
 */
export async function waitReserved(
  waits: ReservedWaits,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  let until = Date.now() + ms;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0) return;
    let stretch: (factor: number) => void = () => {};
    const cut = new Promise<number>(resolve => {
      stretch = resolve;
    });
    waits.waiting.add(stretch);
    try {
      const held = await within(cut, { ms: Math.ceil(left), signal });
      if ('timedOut' in held) return;
      until = Date.now() + Math.max(0, until - Date.now()) / held.value;
    } finally {
      waits.waiting.delete(stretch);
    }
  }
}

/**
 * The rate cut from `before` to `after` (a factor below 1 per dimension, `undefined`: none) and the
 * debt the bucket must add so that new takes queue behind the stretched waits (a debt is kept as
 * time when the rate changes: at the lower rate, this instance's `waiting` tokens and requests now
 * last `1 / f` as long).
 */
export function rateCut(
  before: LearnedRate,
  after: LearnedRate,
  waiting: { requests: number; tokens: number },
): { factor: number; change: RateAdjustment } | undefined {
  const cutOf = (was: number | undefined, now: number | undefined) =>
    was !== undefined && now !== undefined && now > 0 && now < was ? now / was : 1;
  const requests = cutOf(before.rpm, after.rpm);
  const tokens = cutOf(before.tpm, after.tpm);
  const factor = Math.min(requests, tokens);
  if (factor >= 1) return undefined;
  return {
    factor,
    change: {
      requests: -waiting.requests * (1 - requests),
      tokens: -waiting.tokens * (1 - tokens),
    },
  };
}

/** Stretches every reserved wait of the key by `1 / factor`. */
export function stretchWaits(waits: ReservedWaits, factor: number): void {
  for (const stretch of waits.waiting) stretch(factor);
}
