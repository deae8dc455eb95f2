/** The waiters of one signal, behind its one listener. */
interface Waiters {
  runs: Set<() => void>;
  listener: () => void;
}

const bySignal = new WeakMap<AbortSignal, Waiters>();

/**
 * Runs `run` once when `signal` aborts; returns a function that stops waiting. Every waiter of one
 * signal shares one `abort` listener, added with the first and removed with the last: an
 * `embedMany` whose 50 batches wait on the caller's one signal adds one listener, not 50 (Node warns
 * past 10 on one signal, as for a leak).
 */
export function onAbort(signal: AbortSignal, run: () => void): () => void {
  let waiters = bySignal.get(signal);
  if (waiters === undefined) {
    const runs = new Set<() => void>();
    const listener = () => {
      bySignal.delete(signal);
      for (const waiter of [...runs]) waiter();
    };
    waiters = { runs, listener };
    bySignal.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { runs, listener } = waiters;
  runs.add(run);
  return () => {
    if (!runs.delete(run) || runs.size > 0) return;
    signal.removeEventListener('abort', listener);
    if (bySignal.get(signal)?.runs === runs) bySignal.delete(signal);
  };
}
