/**
 * The figures of one pacing-shapes run, read from the shape server's log (what the server counted),
 * as pure functions.
 */

/** One request the shape server logged: its status and arrival (epoch ms). */
export type Served = { status: number | null; time: number };

/** 429s the server sent in the run's first window (the cold start), from `start` (epoch ms). */
export function coldStart429s(served: readonly Served[], start: number, windowMs: number): number {
  return served.filter(r => r.status === 429 && r.time < start + windowMs).length;
}

/**
 * Successes per window in `[from, to)`, as a fraction of `limit` per `windowMs`: the steady
 * goodput over that span.
 */
export function goodputOver(
  served: readonly Served[],
  span: { from: number; to: number },
  limit: number,
  windowMs: number,
): number {
  const ok = served.filter(r => r.status === 200 && r.time >= span.from && r.time < span.to).length;
  const windows = (span.to - span.from) / windowMs;
  return windows > 0 ? ok / (limit * windows) : Number.NaN;
}

/**
 * Time from `changeAt` until the successes in a trailing `binMs` first reach `share` of the new
 * limit (`limit` per `windowMs`), measured at each success; `undefined` when they never do before the
 * run ends. The first possible answer is `binMs` after the change (a full bin at the new rate).
 */
export function recoveryMs(
  served: readonly Served[],
  change: { at: number; limit: number },
  windowMs: number,
  binMs: number,
  share = 0.95,
): number | undefined {
  const oks = served
    .filter(r => r.status === 200 && r.time >= change.at)
    .map(r => r.time)
    .sort((a, b) => a - b);
  const needed = share * change.limit * (binMs / windowMs);
  let from = 0;
  for (const [i, t] of oks.entries()) {
    if (t - change.at < binMs) continue;
    while (oks[from]! <= t - binMs) from++;
    if (i - from + 1 >= needed) return t - change.at;
  }
  return undefined;
}

/**
 * Requests that arrived while a `Retry-After` the server had sent on the key still ran, from any
 * caller: a request arriving within `inFlightMs` of the 429 was already on its way when the client
 * read it, and is not counted.
 */
export function insideRetryAfter(
  served: ReadonlyArray<Served & { retryAfterMs?: number }>,
  inFlightMs = 100,
): number {
  const sorted = [...served].sort((a, b) => a.time - b.time);
  let refusals: Array<{ from: number; until: number }> = [];
  let inside = 0;
  for (const r of sorted) {
    refusals = refusals.filter(x => x.until > r.time);
    if (refusals.some(x => r.time >= x.from && r.time < x.until)) inside++;
    if (r.status === 429 && r.retryAfterMs !== undefined)
      refusals.push({ from: r.time + inFlightMs, until: r.time + r.retryAfterMs });
  }
  return inside;
}
