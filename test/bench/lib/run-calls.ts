import type { CallFn, CallLane } from '../contenders/types';

/** The outcome of one logical call. */
export type CallOutcome = {
  callId: string;
  ok: boolean;
  /** Time from the call's start until it resolved or rejected. */
  ms: number;
  /** True when the call settled before its deadline's AbortSignal fired. */
  beforeDeadline: boolean;
  /** Error class name (`RateLimitError`, `AbortError`, `RetryError`, ...) when it failed. */
  error: string | undefined;
  /** True when the bench's `stop` signal (end of a timed run) aborted the call. */
  stopped: boolean;
  /** Time from the call's start to its first text (streaming contenders only). */
  firstContentMs?: number;
  /** The text the call returned (kept only when asked with `keepText`). */
  text?: string;
};

/** Name of an error for the report: its `name`, else its constructor's. */
export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name !== 'Error' ? error.name : error.constructor.name;
  return typeof error;
}

/**
 * Runs one logical call with a deadline: an `AbortSignal` that fires at `deadlineMs` is passed to the
 * contender. A contender that ignores it is still cut off by the bench `graceMs` later (counted as
 * failed and not deadline-respecting) so the bench always ends.
 */
export async function runCall(
  call: CallFn,
  args: {
    callId: string;
    prompt: string;
    deadlineMs: number;
    graceMs?: number;
    stop?: AbortSignal;
    /** Keep the returned text in the outcome (to compare it with the unstalled answer). */
    keepText?: boolean;
    /** Passed to the contender as {@link CallArgs.lane}. */
    lane?: CallLane;
  },
): Promise<CallOutcome> {
  const controller = new AbortController();
  let stopped = false;
  const timer = setTimeout(
    () => controller.abort(new DOMException('deadline exceeded', 'TimeoutError')),
    args.deadlineMs,
  );
  const onStop = () => {
    stopped = true;
    controller.abort(new DOMException('run ended', 'AbortError'));
  };
  if (args.stop?.aborted) onStop();
  else args.stop?.addEventListener('abort', onStop, { once: true });
  const start = performance.now();
  let firstContentMs: number | undefined;
  const onContent = () => {
    firstContentMs ??= performance.now() - start;
  };
  let guard: ReturnType<typeof setTimeout> | undefined;
  const cutOff = new Promise<never>((_, reject) => {
    guard = setTimeout(
      () => reject(new DOMException('ignored the deadline', 'BenchCutOff')),
      args.deadlineMs + (args.graceMs ?? 15_000),
    );
  });
  try {
    const text = await Promise.race([
      call({
        callId: args.callId,
        prompt: args.prompt,
        abortSignal: controller.signal,
        onContent,
        ...(args.lane ? { lane: args.lane } : {}),
      }),
      cutOff,
    ]);
    const ms = performance.now() - start;
    return {
      callId: args.callId,
      ok: text.length > 0,
      ms,
      beforeDeadline: !controller.signal.aborted,
      error: text.length > 0 ? undefined : 'EmptyText',
      stopped,
      ...(firstContentMs === undefined ? {} : { firstContentMs }),
      ...(args.keepText ? { text } : {}),
    };
  } catch (error) {
    const ms = performance.now() - start;
    return {
      callId: args.callId,
      ok: false,
      ms,
      beforeDeadline: !controller.signal.aborted,
      error: errorName(error),
      stopped,
      ...(firstContentMs === undefined ? {} : { firstContentMs }),
    };
  } finally {
    args.stop?.removeEventListener('abort', onStop);
    clearTimeout(timer);
    clearTimeout(guard);
  }
}

/** Counts error names: `{ RateLimitError: 40, AbortError: 2 }`. */
export function countErrors(outcomes: readonly CallOutcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) if (o.error) counts[o.error] = (counts[o.error] ?? 0) + 1;
  return counts;
}
