import type { Contender, HealthyFigures } from '../contenders/types';
import { fmtMs } from '../lib/format';
import type { CallOutcome } from '../lib/run-calls';
import { percentile } from '../lib/stats';

/** The stall schedule's contenders after the warm-up: the tuned ones configured from `healthy`. */
export type WarmedUp = {
  contenders: Contender[];
  hedged: Contender | undefined;
  /** Set when a contender was tuned. */
  healthy: HealthyFigures | undefined;
};

/**
 * Runs every contender once without faults (JIT, sockets, lazy imports), so whoever runs first is
 * not slower. The untuned contenders run first; when there are tuned ones (ours with hedging), the
 * untuned run once more, warm, and their times to first content are the healthy figures the tuned
 * ones are configured from (a warm-up's own times overstate them: 529 ms against a warm 266 ms seen
 * once), then the tuned ones warm up too.
 */
export async function warmUpStallContenders(args: {
  contenders: readonly Contender[];
  hedged: Contender | undefined;
  /** Runs one contender's fault-free calls. */
  runClean: (contender: Contender) => Promise<CallOutcome[]>;
  log: (line: string) => void;
}): Promise<WarmedUp> {
  const untuned = args.contenders.filter(c => c.tune === undefined);
  for (const contender of untuned) await args.runClean(contender);
  if (untuned.length === args.contenders.length) {
    return { contenders: [...args.contenders], hedged: args.hedged, healthy: undefined };
  }
  const firstContent: number[] = [];
  for (const contender of untuned) {
    const own = (await args.runClean(contender)).flatMap(o =>
      o.firstContentMs === undefined ? [] : [o.firstContentMs],
    );
    args.log(`  (f) healthy ${contender.name}: first content p99 ${fmtMs(percentile(own, 99))}`);
    firstContent.push(...own);
  }
  const healthy = { firstContentP99Ms: percentile(firstContent, 99), calls: firstContent.length };
  args.log(
    `  (f) healthy first content p99 ${fmtMs(healthy.firstContentP99Ms)} over ${healthy.calls} warm calls`,
  );
  const contenders = args.contenders.map(c => c.tune?.(healthy) ?? c);
  for (const [i, contender] of contenders.entries()) {
    if (args.contenders[i]!.tune) await args.runClean(contender);
  }
  const hedged = args.hedged && contenders[args.contenders.indexOf(args.hedged)];
  return { contenders, hedged, healthy };
}
