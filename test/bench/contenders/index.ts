import type { ContenderSet } from '../lib/section';
import { aiFallback } from './ai-fallback';
import { aiRetry } from './ai-retry';
import { aiRetryStream } from './ai-retry-stream';
import { builtin } from './builtin';
import { builtinStream } from './builtin-stream';
import { errorGuideLoop } from './error-guide-loop';
import { errorGuideLoopStream } from './error-guide-loop-stream';

/** Name of the baseline every recovery/contention ratio is computed against. */
export const BASELINE = builtin.name;

/**
 * The contenders, ours first. Ours is imported lazily so the bench still runs (and says why ours is
 * missing) while the provider or middleware is not built.
 */
export async function loadContenders(log: (line: string) => void): Promise<ContenderSet> {
  const others = [builtin, aiRetry, aiFallback, errorGuideLoop];
  const streamOthers = [builtinStream, aiRetryStream, errorGuideLoopStream];
  try {
    const { ours } = await import('./ours');
    const { oursFleet } = await import('./ours-fleet');
    const { oursPacing } = await import('./ours-pacing');
    const { oursStreamVariants } = await import('./ours-stream');
    const variants = oursStreamVariants();
    return {
      all: [ours, ...others],
      contention: [ours, oursFleet, oursPacing, builtin, aiRetry],
      stalls: [...variants.all, ...streamOthers],
      stallHedged: variants.hedged,
      stallAutoHedged: variants.autoHedged,
      baseline: BASELINE,
      oursAvailable: true,
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`ours is not available (${reason}); build the packages first`);
    return {
      all: others,
      contention: [builtin, aiRetry],
      stalls: streamOthers,
      stallHedged: undefined,
      stallAutoHedged: undefined,
      baseline: BASELINE,
      oursAvailable: false,
    };
  }
}
