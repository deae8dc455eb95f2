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
  try {
    return Promise.resolve(hook(...args)).then(
      value => value,
      () => undefined,
    );
  } catch {
    return Promise.resolve(undefined);
  }
}
