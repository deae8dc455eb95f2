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
 * A request as the server logged it, with the client's side of it when known (epoch ms): when its
 * fetch was called, and when its answer's headers reached the client.
 */
export type SeenBothSides = Served & {
  retryAfterMs?: number;
  sentAt?: number;
  answeredAt?: number;
};

/**
 * Pairs each request the server logged with the client's attempt: the `n`th request of a logical
 * call at the server is that call's `n`th attempt (a call's attempts follow one another). Client
 * times are `performance.now()`, made epoch ms with `timeOrigin`.
 */
export function withClientTimes(
  served: ReadonlyArray<Served & { retryAfterMs?: number; call?: string }>,
  attempts: ReadonlyArray<{ call: string; attempt: number; sentAt: number; doneAt?: number }>,
  timeOrigin: number,
): SeenBothSides[] {
  const byCall = new Map<string, Array<(typeof attempts)[number]>>();
  for (const a of attempts) {
    const list = byCall.get(a.call) ?? [];
    list.push(a);
    byCall.set(a.call, list);
  }
  for (const list of byCall.values()) list.sort((x, y) => x.attempt - y.attempt);
  const next = new Map<string, number>();
  return [...served]
    .sort((a, b) => a.time - b.time)
    .map(({ call, ...r }) => {
      if (call === undefined) return r;
      const n = next.get(call) ?? 0;
      next.set(call, n + 1);
      const a = byCall.get(call)?.[n];
      if (a === undefined) return r;
      return {
        ...r,
        sentAt: timeOrigin + a.sentAt,
        ...(a.doneAt === undefined ? {} : { answeredAt: timeOrigin + a.doneAt }),
      };
    });
}

/**
 * Requests that arrived while a `Retry-After` the server had sent on the key still ran, from any
 * caller, split by what the client could know: `sent` were sent after that 429's answer had reached
 * the client (a client that honours Retry-After never sends these); `inFlight` were sent before it
 * and arrived after the 429 (on their way already; on a loaded event loop a request can take
 * hundreds of ms from fetch to the server's handler). A request or 429 without client times falls
 * back to arrival alone: arrivals within `inFlightMs` of the 429 count as in flight.
 */
export function insideRetryAfter(
  served: readonly SeenBothSides[],
  inFlightMs = 100,
): { sent: number; inFlight: number } {
  const sorted = [...served].sort((a, b) => a.time - b.time);
  let refusals: Array<{ from: number; known: number; until: number }> = [];
  let sent = 0;
  let inFlight = 0;
  for (const r of sorted) {
    refusals = refusals.filter(x => x.until > r.time);
    const over = refusals.filter(x => r.time >= x.from && r.time < x.until);
    if (over.length > 0) {
      const knew = over.some(x =>
        r.sentAt === undefined ? r.time >= x.from + inFlightMs : r.sentAt >= x.known,
      );
      if (knew) sent++;
      else inFlight++;
    }
    if (r.status === 429 && r.retryAfterMs !== undefined)
      refusals.push({
        from: r.time,
        known: r.answeredAt ?? r.time + inFlightMs,
        until: r.time + r.retryAfterMs,
      });
  }
  return { sent, inFlight };
}
