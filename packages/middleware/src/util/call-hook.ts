/** How a user hook ended: its value, or what it threw (sync or async). */
export type HookOutcome<R> = { ok: true; value: Awaited<R> } | { ok: false; error: unknown };

/**
 * Calls a user hook (sync or async) and reports how it ended; the returned promise never rejects.
 * For the few hooks whose throw means something (a guard's `beforeAttempt` may throw a typed error).
 */
export function settleHook<A extends unknown[], R>(
  hook: (...args: A) => R,
  ...args: A
): Promise<HookOutcome<R>> {
  try {
    return Promise.resolve(hook(...args)).then(
      value => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
  } catch (error) {
    return Promise.resolve({ ok: false as const, error });
  }
}

/**
 * Calls a user hook (sync or async) so that nothing it does reaches the caller: a throw and a
 * rejected promise both resolve to `undefined`, and the returned promise never rejects, so it may be
 * awaited or ignored without an unhandled rejection. The one place a user hook is called.
 */
export function callHook<A extends unknown[], R>(
  hook: ((...args: A) => R) | undefined,
  ...args: A
): Promise<Awaited<R> | undefined> {
  if (hook === undefined) return Promise.resolve(undefined);
  return settleHook(hook, ...args).then(outcome => (outcome.ok ? outcome.value : undefined));
}
