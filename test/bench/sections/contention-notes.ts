import { fmtMs, pct } from '../lib/format';
import { type Spread, spread } from '../lib/stats';
import type { ContentionSummary } from './contention-run';

type Column = {
  label: string;
  better: 'higher' | 'lower';
  /** The figure over the repetitions (its median is what is compared). */
  spread: (r: ContentionSummary) => Spread;
  show: (value: number) => string;
};

const count = (v: number) => String(Math.round(v));
const COLUMNS: Column[] = [
  { label: 'goodput', better: 'higher', spread: r => r.goodputFraction, show: v => pct(v) },
  { label: '429s received', better: 'lower', spread: r => r.rateLimited, show: count },
  { label: 'requests', better: 'lower', spread: r => r.requests, show: count },
  {
    label: 'early requests',
    better: 'lower',
    spread: r => spread([r.earlyRequests]),
    show: count,
  },
  { label: 'p99', better: 'lower', spread: r => r.p99Ms, show: fmtMs },
  { label: 'p99 of successful calls', better: 'lower', spread: r => r.okP99Ms, show: fmtMs },
];

/** Medians tie when within this fraction: one call is 1/60 of a 30 s run's goodput. */
const TIE = 0.02;

/** Whether `median` lies inside the range the other contenders' own repetitions cover. */
function insideOthersRange(
  median: number,
  others: readonly Spread[],
): { inside: boolean; lo: number; hi: number } {
  const lo = Math.min(...others.map(o => o.min));
  const hi = Math.max(...others.map(o => o.max));
  return { inside: median >= lo && median <= hi, lo, hi };
}

/** Which contenders are best per column, and why ours (either variant) is not where it is not. */
export function contentionNotes(summaries: readonly ContentionSummary[]): string[] {
  const notes: string[] = [];
  const best: string[] = [];
  const ours = summaries.filter(r => r.contender.startsWith('ours'));
  const others = summaries.filter(r => !r.contender.startsWith('ours'));
  for (const column of COLUMNS) {
    const medians = summaries.map(r => column.spread(r).median).filter(Number.isFinite);
    if (medians.length === 0) continue;
    const target = column.better === 'higher' ? Math.max(...medians) : Math.min(...medians);
    const winners = summaries
      .filter(r => Math.abs(column.spread(r).median - target) <= Math.abs(target) * TIE)
      .map(r => r.contender);
    best.push(`${column.label}: ${winners.join(', ')}`);
    if (winners.some(w => w.startsWith('ours'))) continue;
    const oursText = ours
      .map(r => `${r.contender} ${column.show(column.spread(r).median)}`)
      .join(', ');
    const range = insideOthersRange(
      Math.max(...ours.map(r => (column.better === 'higher' ? 1 : -1) * column.spread(r).median)) *
        (column.better === 'higher' ? 1 : -1),
      others.map(column.spread),
    );
    const why = range.inside
      ? `the better of ours lies inside the range the other contenders' own repetitions cover (${column.show(range.lo)}–${column.show(range.hi)}): a difference of medians, not one the runs separate.`
      : whyNot(column.label, summaries);
    notes.push(
      `Ours not best in ${column.label} (${oursText} vs ${winners.join(', ')} ${column.show(target)}): ${why}`,
    );
  }
  const fleet = summaries.find(r => r.contender === 'ours + fleet guard');
  const top = Math.max(...summaries.map(r => r.goodputFraction.median));
  if (fleet && fleet.goodputFraction.median < top - TIE) {
    const range = insideOthersRange(
      fleet.goodputFraction.median,
      others.map(r => r.goodputFraction),
    );
    const within = range.inside
      ? `, inside the range of the others' repetitions (${pct(range.lo)}–${pct(range.hi)})`
      : '';
    notes.push(
      `ours + fleet guard: goodput ${pct(fleet.goodputFraction.median)} (${pct(fleet.goodputFraction.min)}–${pct(fleet.goodputFraction.max)}) vs ${pct(top)} for the best${within}; ${fleet.cutByDeadline.median} calls per run were still waiting when their deadline fired. The guard holds every caller until the shared cooldown ends plus a random spread (its cooldownSpreadMs, 250 ms by default), so a freed slot can stay unused for a moment: it trades a little goodput for ${pct(1 - fleet.rateLimited.median / Math.max(1, ...others.map(r => r.rateLimited.median)))} fewer 429s than the worst peer.`,
    );
  }
  return [`Best (medians): ${best.join('; ')}.`, ...notes];
}

function whyNot(column: string, summaries: readonly ContentionSummary[]): string {
  switch (column) {
    case '429s received':
    case 'requests':
      return 'without the fleet guard each caller learns about the limit only from its own 429s; the fleet guard shares the cooldown among callers.';
    case 'p99':
    case 'p99 of successful calls': {
      const figures = summaries
        .map(
          r =>
            `${r.contender} ${r.okSlow.median} slow successes, ${r.cutByDeadline.median} cut by the deadline`,
        )
        .join('; ');
      return `per run: ${figures} (slow = over 7.5 s). A contender that keeps retrying while the wait the server asked for still fits before the deadline turns late calls into slow successes instead of failures, which lengthens the tail; the key's total stays capped at the limit either way.`;
    }
    default:
      return 'see the per-run figures in the JSON report.';
  }
}
