import { fmtMs, pct } from '../lib/format';
import type { Table } from '../lib/table';
import type { Variant } from './contention';
import { contentionNotes } from './contention-notes';
import type { ContentionSummary } from './contention-run';

const ratio = (v: number, b: number | undefined) =>
  b === undefined || b === 0 || !Number.isFinite(v) ? '' : ` (${(v / b).toFixed(2)}×)`;

function row(variant: string, r: ContentionSummary, base: ContentionSummary | undefined): string[] {
  if (r.repetitions === 0) {
    return [
      variant,
      r.contender,
      'not measured (the budget ended before its first run)',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ];
  }
  return [
    variant,
    r.contender,
    `${pct(r.goodputFraction.median)} (${pct(r.goodputFraction.min)}–${pct(r.goodputFraction.max)})${ratio(r.goodputFraction.median, base?.goodputFraction.median)}`,
    `${r.successes.median}/${r.callsSettled.median}`,
    `${r.requests.median}${ratio(r.requests.median, base?.requests.median)}`,
    `${r.rateLimited.median} (${r.rateLimited.min}–${r.rateLimited.max})${ratio(r.rateLimited.median, base?.rateLimited.median)}`,
    String(r.earlyRequests),
    `${fmtMs(r.p50Ms.median)}${ratio(r.p50Ms.median, base?.p50Ms.median)}`,
    `${fmtMs(r.p99Ms.median)} (${fmtMs(r.p99Ms.min)}–${fmtMs(r.p99Ms.max)})${ratio(r.p99Ms.median, base?.p99Ms.median)}`,
    `${fmtMs(r.okP99Ms.median)}${ratio(r.okP99Ms.median, base?.okP99Ms.median)}`,
  ];
}

/** The contention table: every variant's contenders, medians (min–max) over the rounds. */
export function contentionTable(r: {
  callers: number;
  callDeadlineMs: number;
  rounds: number;
  variants: readonly Variant[];
  summaries: readonly ContentionSummary[];
  baseline: string;
  notes: string[];
}): Table {
  const rows: string[][] = [];
  const perVariant: string[] = [];
  for (const v of r.variants) {
    const summaries = r.summaries.filter(s => s.variant === v.id);
    const base = summaries.find(s => s.contender === r.baseline);
    rows.push(...summaries.map(s => row(v.id, s, base)));
    const limit = v.limit;
    perVariant.push(
      `${v.id}: ${v.title}: ${limit.requestsPerWindow} requests${limit.tokensPerWindow ? ` and ${limit.tokensPerWindow} tokens (one call ≈ ${limit.tokensPerCall} tokens)` : ''} per ${limit.windowMs / 1000} s sliding window (a minute scaled down 12×; the x-ratelimit-limit headers state the per-minute figure).`,
      ...contentionNotes(summaries).map(n => `${v.id}: ${n}`),
    );
  }
  return {
    title: `3. Contention: ${r.callers} callers on one key, runs of ${runLengths(r.variants)}, all contenders of a variant side by side, ${r.rounds} round(s); medians (min–max), ratios vs ${r.baseline}`,
    columns: [
      'variant',
      'contender',
      'goodput (of limit)',
      'ok / settled calls',
      'requests',
      '429s received',
      'early requests',
      'p50',
      'p99',
      'p99 of ok calls',
    ],
    rows,
    notes: [
      `Goodput = successful calls per minute in the steady state as the server counts them (200s that arrived after the first window and before the run ended, over that time: the burst an empty window admits at once is left out, and a call's latency does not move it out of the count) ÷ what the binding limit admits per minute (calls; for the token-bound variant, token limit ÷ tokens per call). 429s and requests count the whole run, cold start included. A caller starts its next call when one settles, at most one per second (a call refused without a request does not turn it into a busy loop). Each call has a ${r.callDeadlineMs / 1000} s deadline; calls in flight when a run ends are aborted and not counted. The built-in runs twice side by side in every run: its second copy ("A/A") is the noise floor the goals are judged against. The oracle is bottleneck told the true limit.`,
      ...perVariant,
      ...r.notes,
    ],
  };
}

/** The run lengths of the variants: `20 s`, or `55 s (rpm), 20 s (no-headers, tpm)`. */
function runLengths(variants: readonly Variant[]): string {
  const byLength = new Map<number, string[]>();
  for (const v of variants) byLength.set(v.runMs, [...(byLength.get(v.runMs) ?? []), v.id]);
  if (byLength.size === 1) return `${[...byLength.keys()][0]! / 1000} s`;
  return [...byLength].map(([ms, ids]) => `${ms / 1000} s (${ids.join(', ')})`).join(', ');
}
