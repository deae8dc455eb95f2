/**
 * The bench's view of the wire: a `fetch` wrapper every recovery/contention contender is built with.
 *
 * - It tags nothing and changes nothing for the contender: it only reads the `x-bench-call` header
 *   (one id per logical call, set by the bench through the AI SDK's `headers` call option) and the
 *   `model` of the JSON body.
 * - When a fault plan is given, it asks the plan for the fault of this (call, attempt, model) and
 *   forwards it to the emulator in the `x-alaya-emulator-fault` request header. The emulator then
 *   produces the fault for real (status, envelope, `Retry-After`, socket reset). Faults are thus a
 *   function of the logical call and its attempt number, never of arrival order, so every contender
 *   sees exactly the same schedule even with concurrent calls.
 * - It logs every attempt: send time, time the response headers (or the error) arrived, status and
 *   the `Retry-After` the server told.
 */

/** Header the bench sets on every logical call. */
export const CALL_HEADER = 'x-bench-call';
/** Emulator request header that selects a fault for this request. */
export const FAULT_HEADER = 'x-alaya-emulator-fault';

/** A fault as the emulator accepts it in {@link FAULT_HEADER} (see `EmulatorFault`). */
export type WireFault = {
  status?: number;
  retryAfter?: string;
  retryAfterMs?: string;
  body?: 'json' | 'html' | 'text' | 'empty';
  reset?: 'before-headers' | 'mid-stream';
  /** Headers then silence, or `afterChunks` SSE events then silence; the connection stays open. */
  stall?: 'after-headers' | 'mid-stream';
  afterChunks?: number;
  /** Wait this long before the response's first byte (on top of the emulator's own delay). */
  firstByteDelayMs?: number;
};

/** Returns the fault for attempt `attempt` (0-based) of logical call `call` on `model`, if any. */
export type FaultPlan = (
  call: string,
  attempt: number,
  model: string | undefined,
) => WireFault | undefined;

/** One HTTP attempt as seen at the fetch boundary. */
export type AttemptRecord = {
  call: string;
  attempt: number;
  model: string | undefined;
  /** `performance.now()` when fetch was called. */
  sentAt: number;
  /** `performance.now()` when response headers (or the network error) arrived. */
  doneAt: number | undefined;
  /** HTTP status, `'network'` for a rejected fetch (reset, refused), `undefined` while in flight. */
  status: number | 'network' | undefined;
  /** The delay the server asked for (`retry-after-ms`, else `retry-after` seconds), in ms. */
  retryAfterMs: number | undefined;
  /** Fault the plan injected, if any. */
  injected: WireFault | undefined;
};

/** The log a traffic fetch writes to. */
export type TrafficLog = {
  attempts: AttemptRecord[];
};

type Fetch = typeof globalThis.fetch;

function headerOf(input: Parameters<Fetch>[0], init: Parameters<Fetch>[1], name: string) {
  if (init?.headers) {
    const value = new Headers(init.headers).get(name);
    if (value !== null) return value;
  }
  if (input instanceof Request) return input.headers.get(name);
  return null;
}

function modelOf(init: Parameters<Fetch>[1]): string | undefined {
  if (typeof init?.body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(init.body) as { model?: unknown };
    return typeof parsed.model === 'string' ? parsed.model : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the delay a response asked for, in ms (`retry-after-ms` first, then `retry-after`). */
export function toldRetryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && Number.isFinite(Number.parseFloat(ms))) return Number.parseFloat(ms);
  const ra = headers.get('retry-after');
  if (ra === null) return undefined;
  const seconds = Number(ra);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Creates a fetch that injects the plan's faults and records every attempt into `log`. */
export function createTrafficFetch(options: {
  log: TrafficLog;
  plan?: FaultPlan;
  baseFetch?: Fetch;
}): Fetch {
  const { log, plan } = options;
  const baseFetch = options.baseFetch ?? globalThis.fetch;
  const attemptsByCall = new Map<string, number>();
  return async (input, init) => {
    const call = headerOf(input, init, CALL_HEADER) ?? 'untagged';
    const attempt = attemptsByCall.get(call) ?? 0;
    attemptsByCall.set(call, attempt + 1);
    const model = modelOf(init);
    const injected = plan?.(call, attempt, model);
    let nextInit = init;
    if (injected) {
      const headers = new Headers(init?.headers);
      headers.set(FAULT_HEADER, JSON.stringify(injected));
      nextInit = { ...init, headers };
    }
    const record: AttemptRecord = {
      call,
      attempt,
      model,
      sentAt: performance.now(),
      doneAt: undefined,
      status: undefined,
      retryAfterMs: undefined,
      injected,
    };
    log.attempts.push(record);
    try {
      const response = await baseFetch(input, nextInit);
      record.doneAt = performance.now();
      record.status = response.status;
      record.retryAfterMs = toldRetryAfterMs(response.headers);
      return response;
    } catch (error) {
      record.doneAt = performance.now();
      record.status = 'network';
      throw error;
    }
  };
}

/**
 * Counts requests sent before the `Retry-After` the same logical call had been told: for each call,
 * every 429 response at time t with delay d forbids requests before t + d; a later request sent
 * earlier than that (minus `toleranceMs` for timer rounding) counts once.
 */
export function countEarlyRetries(attempts: readonly AttemptRecord[], toleranceMs = 2): number {
  const byCall = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    const list = byCall.get(a.call) ?? [];
    list.push(a);
    byCall.set(a.call, list);
  }
  let early = 0;
  for (const list of byCall.values()) {
    list.sort((x, y) => x.sentAt - y.sentAt);
    let notBefore = Number.NEGATIVE_INFINITY;
    for (const a of list) {
      if (a.sentAt < notBefore - toleranceMs) early++;
      if (a.status === 429 && a.retryAfterMs !== undefined && a.doneAt !== undefined) {
        notBefore = Math.max(notBefore, a.doneAt + a.retryAfterMs);
      }
    }
  }
  return early;
}
