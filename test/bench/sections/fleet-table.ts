import { type Spread, spread } from '../lib/stats';
import type { Table } from '../lib/table';
import { goalLine, judgeFigure } from './contention-goals';
import { type FleetBenchResult, type FleetBenchRow, MODES, type Mode } from './fleet';

/** One configuration over its rounds: medians, and the spread of the figures the goals judge. */
type FleetSummary = {
  mode: Mode;
  label: string;
  notMeasured?: string;
  runs: FleetBenchRow[];
  durationMs: Spread;
  requests: Spread;
  ok429: Spread;
  rate429: Spread;
  per429: Spread;
  successes: Spread;
  failedCalls: Spread;
  goodput: Spread;
  steadyGoodput: Spread;
};

function summarize(mode: Mode, rows: readonly FleetBenchRow[]): FleetSummary {
  const all = rows.filter(r => r.mode === mode);
  const runs = all.filter(r => !r.notMeasured);
  const of = (pick: (r: FleetBenchRow) => number) => spread(runs.map(pick));
  return {
    mode,
    label: all[0]?.label ?? mode,
    ...(runs.length === 0 ? { notMeasured: all[0]?.notMeasured ?? 'did not run' } : {}),
    runs,
    durationMs: of(r => r.durationMs),
    requests: of(r => r.requests),
    ok429: of(r => r.ok429),
    rate429: of(r => r.rate429),
    per429: of(r => r.per429),
    successes: of(r => r.successes),
    failedCalls: of(r => r.failedCalls),
    goodput: of(r => r.goodput),
    steadyGoodput: of(r => r.steadyGoodput),
  };
}

/** `a / b` per round in which both ran (b's figure above 0). */
function perRound(
  rows: readonly FleetBenchRow[],
  a: Mode,
  b: Mode,
  pick: (r: FleetBenchRow) => number,
): number[] {
  const ran = (mode: Mode) => rows.filter(r => r.mode === mode && !r.notMeasured);
  return ran(a).flatMap(x => {
    const y = ran(b).find(r => r.round === x.round);
    return y && pick(y) > 0 ? [pick(x) / pick(y)] : [];
  });
}

/** Issue 16's fleet goals: pacing on one Redis vs the unguarded fleet of the same round, against the A/A noise. */
function fleetGoals(rows: readonly FleetBenchRow[]): string[] {
  const paced = rows.filter(r => r.mode === 'redis-pacing' && !r.notMeasured);
  const why =
    paced.length > 0
      ? 'the unguarded fleet did not run'
      : 'the pacing row did not run (redis-server missing?)';
  const totals = (mode: Mode) =>
    rows.filter(r => r.mode === mode && !r.notMeasured).reduce((sum, r) => sum + r.ok429, 0);
  return [
    goalLine(
      `4 × 25 callers on one Redis with pacing (learned): 429s ≤ 5 % of the unguarded fleet's (${totals('redis-pacing')} vs ${totals('none')} over all rounds)`,
      judgeFigure(
        perRound(rows, 'redis-pacing', 'none', r => r.ok429),
        0.05,
        'lower',
        perRound(rows, 'none-aa', 'none', r => r.ok429),
        why,
      ),
    ),
    goalLine(
      '4 × 25 callers on one Redis with pacing: steady goodput ≥ 97 % of the limit',
      judgeFigure(
        paced.map(r => r.steadyGoodput),
        0.97,
        'higher',
        perRound(rows, 'none-aa', 'none', r => r.steadyGoodput),
        why,
      ),
    ),
  ];
}

const range = (s: Spread, digits: number) => {
  const [min, max] = [s.min.toFixed(digits), s.max.toFixed(digits)];
  return min === max ? '' : ` (${min}–${max})`;
};
const withRange = (s: Spread, digits: number) => `${s.median.toFixed(digits)}${range(s, digits)}`;

/** The fleet table: one row per configuration, medians (min–max) over the rounds. */
export function fleetTable(
  r: Pick<FleetBenchResult, 'processes' | 'callers' | 'rpm' | 'windowMs' | 'orders'>,
  rows: readonly FleetBenchRow[],
): Table {
  const summaries = MODES.map(mode => summarize(mode, rows));
  const shared = summaries.find(s => s.mode === 'redis' && !s.notMeasured);
  const cell = (s: FleetSummary, value: string) => (s.notMeasured ? '' : value);
  return {
    title: `4. Many instances: ${r.processes} processes × ${r.callers} callers, one key limited to ${r.rpm} requests per ${r.windowMs / 1000} s; medians (min–max) over ${r.orders.length} round(s)`,
    columns: [
      'configuration',
      'runs',
      'requests',
      '429s',
      '429s / requests',
      '429s per success',
      'successes',
      'failed calls',
      'goodput (of the limit)',
      'steady goodput',
    ],
    rows: summaries.map(s => [
      s.label,
      s.notMeasured
        ? `not measured (${s.notMeasured})`
        : `${s.runs.length} × ${withRange(spread(s.runs.map(run => run.durationMs / 1000)), 0)} s`,
      cell(s, withRange(s.requests, 0)),
      cell(s, withRange(s.ok429, 0)),
      cell(s, s.rate429.median.toFixed(2)),
      cell(s, s.per429.median.toFixed(2)),
      cell(s, withRange(s.successes, 0)),
      cell(s, withRange(s.failedCalls, 0)),
      cell(s, withRange(s.goodput, 2)),
      cell(s, withRange(s.steadyGoodput, 2)),
    ]),
    notes: [
      `Each round ran every configuration once, in an order drawn from the run's --seed and the round (${r.orders.map(o => o.join(', ')).join('; ')}), each after the key's window emptied; run length is each run's share of what is left of the section budget minus settling and start-up, within 10–15 s. Goodput = successes ÷ what the limit admits in the elapsed time, first window's burst included; steady goodput = 200s that arrived after the first window ÷ what the limit admits from then through the run's last request (when the callers' queued calls have drained, no demand is left: the last answer's latency and the workers' exit are not counted as unused capacity). "no guard (A/A)" is the unguarded fleet run twice per round: the noise floor of the goals, which pair each run with the unguarded run of its round.`,
      ...fleetGoals(rows),
      ...(shared
        ? summaries
            .filter(s => s !== shared && !s.notMeasured)
            .map(
              s =>
                `shared store vs ${s.label} (medians): 429s × ${(shared.ok429.median / Math.max(1, s.ok429.median)).toFixed(2)}, goodput × ${(shared.goodput.median / Math.max(1e-9, s.goodput.median)).toFixed(2)}`,
            )
        : ['no shared-store row: nothing to compare with']),
    ],
  };
}
