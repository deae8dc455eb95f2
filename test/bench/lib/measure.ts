/** Wall and CPU time of one piece of work in this process. */
export type Cost = { wallMs: number; cpuMs: number };

/** CPU time (user + system) of this process so far, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `fn` and returns its result with the wall and CPU time it took. */
export async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; cost: Cost }> {
  const c0 = cpuMs();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  return { value, cost: { wallMs, cpuMs: cpuMs() - c0 } };
}
