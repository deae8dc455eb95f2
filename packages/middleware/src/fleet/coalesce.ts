/** Calls waiting for the round trip in flight at their key, merged into the next one. */
interface Queued<A, T> {
  arg: A;
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  queued?: Queued<unknown, unknown>;
}

/**
 * Sends the merged argument of concurrent calls as one round trip per key: the first call goes at
 * once; calls made while it is in flight are merged (with `merge`) into a single next call, sent
 * when the first returns, and share its answer. A burst of N calls costs two round trips, and every
 * call's round trip starts after the call itself (a read never returns a value older than the call).
 * When a round trip fails, the calls queued behind it fail with the same error, without a request.
 */
export type Coalesce = <A, T>(
  id: string,
  arg: A,
  merge: (queued: A, next: A) => A,
  send: (arg: A) => Promise<T>,
) => Promise<T>;

/** A {@link Coalesce} with its own table of keys in flight. */
export function createCoalescer(): Coalesce {
  const slots = new Map<string, Slot>();

  function start<A, T>(id: string, slot: Slot, arg: A, send: (arg: A) => Promise<T>): Promise<T> {
    let sent: Promise<T>;
    try {
      sent = send(arg);
    } catch (error) {
      sent = Promise.reject(error);
    }
    const next = (error?: { failed: unknown }) => {
      const queued = slot.queued as Queued<A, T> | undefined;
      slot.queued = undefined;
      if (queued === undefined) slots.delete(id);
      else if (error !== undefined) {
        slots.delete(id);
        queued.reject(error.failed);
      } else start(id, slot, queued.arg, send).then(queued.resolve, queued.reject);
    };
    sent.then(
      () => next(),
      failed => next({ failed }),
    );
    return sent;
  }

  return <A, T>(
    id: string,
    arg: A,
    merge: (queued: A, next: A) => A,
    send: (arg: A) => Promise<T>,
  ): Promise<T> => {
    const slot = slots.get(id);
    if (slot === undefined) {
      const fresh: Slot = {};
      slots.set(id, fresh);
      return start(id, fresh, arg, send);
    }
    const queued = slot.queued as Queued<A, T> | undefined;
    if (queued !== undefined) {
      queued.arg = merge(queued.arg, arg);
      return queued.promise;
    }
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    slot.queued = { arg, promise, resolve, reject } as Queued<unknown, unknown>;
    return promise;
  };
}
