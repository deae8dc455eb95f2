import { aiFallback } from './ai-fallback';
import { aiRetry } from './ai-retry';
import { builtin } from './builtin';
import { seedSnippet } from './seed-snippet';
import type { Contender } from './types';

/** Name of the baseline every recovery/contention ratio is computed against. */
export const BASELINE = builtin.name;

/**
 * The contenders, ours first. Ours is imported lazily so the bench still runs (and says why ours is
 * missing) while the provider or middleware is not built.
 */
export async function loadContenders(log: (line: string) => void): Promise<{
  all: Contender[];
  oursAvailable: boolean;
}> {
  const others = [builtin, aiRetry, aiFallback, seedSnippet];
  try {
    const { ours } = await import('./ours');
    return { all: [ours, ...others], oursAvailable: true };
  } catch (error) {
    log(
      `ours is not available (${error instanceof Error ? error.message : String(error)}); build the packages first`,
    );
    return { all: others, oursAvailable: false };
  }
}
