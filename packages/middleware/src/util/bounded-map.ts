/** How many models (or keys of one kind) a per-model table remembers at most. */
export const MAX_TRACKED_KEYS = 256;

/**
 * The one table for anything keyed by a string a caller or a server chooses (model ids, store
 * keys): at most `maxEntries` live entries, each expiring `ttlMs` after it was last written. It
 * keeps what was used last: entries are written (and read ones moved) into a newer half; a new key
 * that finds that half full drops the older half whole, and the newer one becomes the older. An
 * expired entry is never returned, and goes at the latest with its half. Every operation is O(1).
 */
export interface BoundedMap<K, V> {
  /** The live value at `key`, or `undefined`; a read counts as a use (it does not extend the life). */
  get(key: K): V | undefined;
  /** Writes `value` at `key`, expiring `ttlMs` from now (default: the table's). */
  set(key: K, value: V, ttlMs?: number): void;
  delete(key: K): void;
  /** Milliseconds before the entry at `key` expires (0: none). */
  ttlLeft(key: K): number;
  /** The live entries, the older half first. */
  entries(): Array<[K, V]>;
  /** How many live entries it holds (at most `maxEntries`). */
  size(): number;
}

interface Slot<V> {
  value: V;
  expiresAt: number;
}

/** A {@link BoundedMap} of at most `maxEntries` (even, at least 2), whose entries live `ttlMs` by default. */
export function createBoundedMap<K, V>(maxEntries: number, ttlMs: number): BoundedMap<K, V> {
  const half = Math.max(1, Math.floor(maxEntries / 2));
  let newer = new Map<K, Slot<V>>();
  let older = new Map<K, Slot<V>>();

  const put = (key: K, slot: Slot<V>) => {
    if (newer.size >= half) {
      older = newer;
      newer = new Map();
    }
    newer.set(key, slot);
  };

  /** The live slot at `key`, moved into the newer half; an expired one is dropped. */
  const use = (key: K, now: number): Slot<V> | undefined => {
    const slot = newer.get(key) ?? older.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= now) {
      newer.delete(key);
      older.delete(key);
      return undefined;
    }
    if (older.delete(key)) put(key, slot);
    return slot;
  };

  const entries = (): Array<[K, V]> => {
    const now = Date.now();
    const live: Array<[K, V]> = [];
    for (const table of [older, newer]) {
      for (const [key, slot] of table) if (slot.expiresAt > now) live.push([key, slot.value]);
    }
    return live;
  };

  return {
    get: key => use(key, Date.now())?.value,
    set(key, value, ms = ttlMs) {
      const slot = { value, expiresAt: Date.now() + ms };
      older.delete(key);
      if (newer.has(key)) newer.set(key, slot);
      else put(key, slot);
    },
    delete(key) {
      newer.delete(key);
      older.delete(key);
    },
    ttlLeft(key) {
      const now = Date.now();
      const slot = use(key, now);
      return slot === undefined ? 0 : slot.expiresAt - now;
    },
    entries,
    size: () => entries().length,
  };
}
