import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection between measured runs, so one contender's garbage is not collected on
 * the next one's time. `pnpm bench` runs without `--expose-gc`; the flag is set at runtime and `gc`
 * taken from a fresh context (a no-op if the runtime refuses).
 */
export const collectGarbage: () => void = (() => {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : () => {};
  } catch {
    return () => {};
  }
})();
