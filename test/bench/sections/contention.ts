/**
 * Section 3: many callers sharing one rate-limited key (issue 16). Three variants, each run with all
 * its contenders side by side (one emulator process and key window each), repeated in rounds while
 * the budget lasts: 120 RPM with `x-ratelimit-*` headers, the same without them, and a token-bound
 * limit with large prompts. The built-in runs twice in every run (the A/A control); the oracle is
 * `bottleneck` told the true limit. Then the pacer's own cost per admitted call.
 */
import { builtin } from '../contenders/builtin';
import { oracle } from '../contenders/oracle';
import type { Contender, TrueLimit } from '../contenders/types';
import { BENCH_API_KEY, type BenchEmulatorOptions, startEmulatorProcess } from '../lib/emulator';
import { fmtMs } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import { createPhases } from '../lib/phases';
import type { SectionArgs } from '../lib/section';
import type { Table } from '../lib/table';
import { warmUp } from '../lib/warm-up';
import { contentionGoals } from './contention-goals';
import {
  type ContentionRun,
  type ContentionSummary,
  runContender,
  summarize,
} from './contention-run';
import { contentionTable } from './contention-table';
import { measurePacerCost, type PacerCost } from './pacer-cost';
import { MODEL_A, MODEL_B } from './schedules';

const CALLERS = 50;
const WINDOW_MS = 5_000;
const CALL_DEADLINE_MS = 10_000;

/** One limit the contenders meet. */
export type Variant = {
  id: 'rpm' | 'no-headers' | 'tpm';
  title: string;
  limit: TrueLimit;
  emulator: BenchEmulatorOptions;
  prompt: (caller: number, call: number) => string;
  contenders: Contender[];
  /** How long each run lasts (its first window is the cold start; the rest is the steady state). */
  runMs: number;
};

/**
 * Run length of the 120 RPM variant: its goodput goal (≥ 97 % of the limit) needs a steady state
 * that admits at least 100 requests to be resolved (a pacer at 98 % then reads 97 or 98 of them): 10
 * per 5 s window, so 50 s after the first window. The other variants run 20 s.
 */
const RPM_RUN_MS = 55_000;
const RUN_MS = 20_000;
const QUICK_RUN_MS = 8_000;

/** The A/A control: the built-in once more, side by side with itself. */
const builtinAA: Contender = { ...builtin, name: `${builtin.name} (A/A)` };

const shortPrompt = (caller: number, call: number) => `Caller ${caller}, call ${call}: say hello.`;
/** About 900 tokens (the emulator counts four characters a token): the token limit binds first. */
const FILLER = 'The quarterly report lists revenue, costs and staffing by region. '.repeat(54);
const largePrompt = (caller: number, call: number) =>
  `Caller ${caller}, call ${call}: summarise this text. ${FILLER}`;

function variants(contenders: readonly Contender[]): Variant[] {
  const named = (name: string) => contenders.filter(c => c.name === name);
  const pacing = named('ours + pacing');
  const rpm = { requestsPerWindow: 10, windowMs: WINDOW_MS };
  const peers = [builtin, builtinAA, oracle];
  return [
    {
      id: 'rpm',
      title: '120 RPM, x-ratelimit headers sent',
      limit: rpm,
      emulator: { limits: { rpm: 10, windowMs: WINDOW_MS } },
      prompt: shortPrompt,
      contenders: [...contenders, builtinAA, oracle],
      runMs: RPM_RUN_MS,
    },
    {
      id: 'no-headers',
      title: '120 RPM, x-ratelimit headers omitted (429 + Retry-After only)',
      limit: rpm,
      emulator: { limits: { rpm: 10, windowMs: WINDOW_MS }, rateLimitHeaders: false },
      prompt: shortPrompt,
      contenders: [...pacing, ...peers],
      runMs: RUN_MS,
    },
    {
      id: 'tpm',
      title: '240 RPM / 120K TPM with ~1K-token calls: the token limit binds',
      limit: { requestsPerWindow: 20, tokensPerWindow: 10_000, windowMs: WINDOW_MS },
      emulator: { limits: { rpm: 20, tpm: 10_000, windowMs: WINDOW_MS } },
      prompt: largePrompt,
      contenders: [...pacing, ...peers],
      runMs: RUN_MS,
    },
  ];
}

/** Tokens the emulator counts for one call with `prompt` (prompt plus answer). */
async function tokensOf(url: string, prompt: string): Promise<number> {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL_A, messages: [{ role: 'user', content: prompt }] }),
  });
  const body = (await response.json()) as { usage?: { total_tokens?: number } };
  return body.usage?.total_tokens ?? 0;
}

/** What the contention section returns. */
export type ContentionResult = {
  callers: number;
  callDeadlineMs: number;
  variants: Array<{
    id: string;
    title: string;
    limit: TrueLimit;
    runMs: number;
    contenders: string[];
  }>;
  rounds: number;
  runs: ContentionRun[];
  summaries: ContentionSummary[];
  pacerCost: PacerCost;
  table: Table;
};

export async function runContention(args: SectionArgs): Promise<ContentionResult> {
  const { budget, log, quick } = args;
  const list = variants(args.contenders.contention).map(v =>
    quick ? { ...v, runMs: QUICK_RUN_MS } : v,
  );
  const phase = createPhases(budget, { runs: 12, cost: 1 });
  const warm = await startEmulatorProcess();
  try {
    const tokensPerCall = await tokensOf(warm.url, largePrompt(0, 0));
    for (const v of list) if (v.limit.tokensPerWindow) v.limit.tokensPerCall = tokensPerCall;
    const everyone = [...new Set(list.flatMap(v => v.contenders))];
    await warmUp(warm.url, everyone, { modelId: MODEL_A, fallbackModelId: MODEL_B });
  } finally {
    await warm.close();
  }
  const runs: ContentionRun[] = [];
  const rounds = await phase('runs').rounds(
    { min: quick ? 1 : 2, max: quick ? 1 : 5 },
    async round => {
      for (const [i] of list.entries()) {
        // Rotate which variant opens a round, so none always runs on the coolest machine.
        const v = list[(i + round) % list.length]!;
        collectGarbage();
        const emulators = await Promise.all(
          v.contenders.map(() => startEmulatorProcess(v.emulator)),
        );
        try {
          const shape = {
            variant: v.id,
            callers: CALLERS,
            durationMs: v.runMs,
            callDeadlineMs: CALL_DEADLINE_MS,
            limit: v.limit,
            prompt: v.prompt,
          };
          const done = await Promise.all(
            v.contenders.map((c, k) => runContender(emulators[k]!, c, shape)),
          );
          for (const run of done) {
            log(
              `  [${round + 1}] ${v.id} ${run.contender}: ${run.successes} ok of ${run.callsSettled}, ${run.requests} requests, ${run.rateLimited} 429s, ${run.earlyRequests} early, p99 ${fmtMs(run.p99Ms)}`,
            );
          }
          runs.push(...done);
        } finally {
          await Promise.all(emulators.map(e => e.close()));
        }
      }
    },
  );
  const pacerCost = await measurePacerCost({ shareMs: phase('cost').shareMs, quick, log });
  const summaries = list.flatMap(v =>
    v.contenders.map(c =>
      summarize(
        v.id,
        c.name,
        runs.filter(r => r.variant === v.id && r.contender === c.name),
      ),
    ),
  );
  const goals = contentionGoals(runs, {
    pacing: 'ours + pacing',
    baseline: builtin.name,
    aa: builtinAA.name,
    oracle: oracle.name,
  });
  return {
    callers: CALLERS,
    callDeadlineMs: CALL_DEADLINE_MS,
    variants: list.map(v => ({
      id: v.id,
      title: v.title,
      limit: v.limit,
      runMs: v.runMs,
      contenders: v.contenders.map(c => c.name),
    })),
    rounds,
    runs,
    summaries,
    pacerCost,
    table: contentionTable({
      callers: CALLERS,
      callDeadlineMs: CALL_DEADLINE_MS,
      rounds,
      variants: list,
      summaries,
      baseline: builtin.name,
      notes: [...goals, pacerCost.goal],
    }),
  };
}
