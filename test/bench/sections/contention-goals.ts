import { fixed } from '../lib/format';
import { controlNoise, type Verdict, verdictCell } from '../lib/judge';
import { spread } from '../lib/stats';
import type { ContentionRun } from './contention-run';

/** Names the goals refer to (the contenders' table names). */
export type GoalNames = { pacing: string; baseline: string; aa: string; oracle: string };

/** Per repetition of a variant: `pick(run of a, run of b)`, for the repetitions where both ran. */
function paired(
  runs: readonly ContentionRun[],
  variant: string,
  a: string,
  b: string,
  pick: (a: ContentionRun, b: ContentionRun) => number,
): number[] {
  const of = (name: string) => runs.filter(r => r.variant === variant && r.contender === name);
  const as = of(a);
  const bs = of(b);
  return as.flatMap((run, i) => (bs[i] ? [pick(run, bs[i])] : [])).filter(Number.isFinite);
}

/**
 * Judges the median of per-repetition figures against a target. The A/A control (the baseline run
 * twice, side by side) gives the relative run-to-run noise; at the target's scale, a shortfall no
 * larger than that is "inside A/A noise", not a miss.
 */
export function judgeFigure(
  values: readonly number[],
  target: number,
  better: 'higher' | 'lower',
  aaRatios: readonly number[],
  why: string,
): Verdict {
  const s = spread(values.filter(Number.isFinite));
  if (s.n === 0) return { kind: 'not measured', detail: why };
  const relative = aaRatios.length > 0 ? controlNoise(spread(aaRatios), 'ratio') : 0;
  const noise = Math.abs(target) * relative;
  const shown = `median ${fixed(s.median, 3)} (${fixed(s.min, 3)}–${fixed(s.max, 3)}), n = ${s.n}; target ${better === 'higher' ? '≥' : '≤'} ${target}; A/A ±${fixed(relative * 100, 1)} %`;
  const ok = better === 'higher' ? s.median >= target : s.median <= target;
  if (ok) return { kind: 'met', detail: shown };
  const shortfall = better === 'higher' ? target - s.median : s.median - target;
  return shortfall <= noise ? { kind: 'noise', detail: shown } : { kind: 'missed', detail: shown };
}

/** A goal line for the notes: `Goal: <what>: <verdict> (<figures>).` */
export function goalLine(what: string, verdict: Verdict): string {
  const detail = verdict.kind === 'not measured' ? '' : ` (${verdict.detail})`;
  return `Goal: ${what}: ${verdictCell(verdict)}${detail}.`;
}

/** Issue 16's goals for one process, judged from the contention runs. */
export function contentionGoals(runs: readonly ContentionRun[], n: GoalNames): string[] {
  const ratio429 = (variant: string, name: string) =>
    paired(runs, variant, name, n.baseline, (a, b) =>
      b.rateLimited > 0 ? a.rateLimited / b.rateLimited : Number.NaN,
    );
  const aaGoodput = (variant: string) =>
    paired(runs, variant, n.aa, n.baseline, (a, b) => a.goodputFraction / b.goodputFraction);
  const goodput = (variant: string) =>
    runs.filter(r => r.variant === variant && r.contender === n.pacing).map(r => r.goodputFraction);
  const vsOracle = (variant: string) =>
    paired(runs, variant, n.pacing, n.oracle, (a, b) => a.goodputFraction / b.goodputFraction);
  const missing = `no round where both ${n.pacing} and ${n.baseline} ran (and the latter met a 429)`;
  const oursRuns = runs.filter(r => r.contender.startsWith('ours'));
  const early = Math.max(0, ...oursRuns.map(r => r.earlyRequests));
  return [
    goalLine(
      `RPM (headers sent): ${n.pacing} receives ≤ 2 % of the 429s of ${n.baseline}`,
      judgeFigure(ratio429('rpm', n.pacing), 0.02, 'lower', ratio429('rpm', n.aa), missing),
    ),
    goalLine(
      `RPM (headers sent): ${n.pacing} goodput ≥ 97 % of the limit`,
      judgeFigure(goodput('rpm'), 0.97, 'higher', aaGoodput('rpm'), missing),
    ),
    goalLine(
      `RPM (headers sent): ${n.pacing} (not told the limit) goodput within 3 % of the oracle's`,
      judgeFigure(
        vsOracle('rpm'),
        0.97,
        'higher',
        aaGoodput('rpm'),
        `${n.oracle} got no repetition`,
      ),
    ),
    goalLine(
      `RPM, x-ratelimit headers omitted: ${n.pacing} receives ≤ 10 % of the 429s of ${n.baseline}`,
      judgeFigure(
        ratio429('no-headers', n.pacing),
        0.1,
        'lower',
        ratio429('no-headers', n.aa),
        missing,
      ),
    ),
    goalLine(
      `TPM-bound: ${n.pacing} goodput within 3 % of the oracle's`,
      judgeFigure(
        vsOracle('tpm'),
        0.97,
        'higher',
        aaGoodput('tpm'),
        `${n.oracle} got no repetition`,
      ),
    ),
    goalLine(
      `zero requests of ours before a Retry-After (every variant)`,
      oursRuns.length === 0
        ? { kind: 'not measured', detail: 'ours is not built' }
        : early === 0
          ? { kind: 'met', detail: `0 over ${oursRuns.length} runs of ours` }
          : { kind: 'missed', detail: `${early} in the worst of ${oursRuns.length} runs of ours` },
    ),
  ];
}
