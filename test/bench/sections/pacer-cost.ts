/**
 * The pacer's own cost per admitted call (issue 16: ≤ 0.05 ms, memory store): a fleet guard with
 * pacing against the same guard without it, in process (no HTTP), each attempt admitted at once (a
 * stated limit far above the demand) and answered with `x-ratelimit-*` headers to learn from. Every
 * round runs three guards, paced, plain and a second plain one (the A/A control), in rotating order.
 */
import { createFleetGuard, createMemoryStore } from '@alaya-code/ai-sdk-middleware';
import { fixed } from '../lib/format';
import { judge, type Verdict } from '../lib/judge';
import { ORDERS } from '../lib/orders';
import { type Spread, spread } from '../lib/stats';
import { goalLine } from './contention-goals';

/** What the pacer-cost phase returns. */
export type PacerCost = {
  callsPerRound: number;
  rounds: number;
  /** Paced − plain, ms per admitted call (attempt admitted and its answer learned). */
  costMs: Spread;
  /** Second plain − first plain: the noise floor. */
  aaMs: Spread;
  verdict: Verdict;
  goal: string;
};

type Guard = ReturnType<typeof createFleetGuard>;

const API_KEY = 'bench-pacer-key';
const TARGET_MS = 0.05;
const INFO = { provider: 'alaya.chat', modelId: 'glm-5.2', attempt: 0, estimatedTokens: 120 };
const HEADERS = {
  'x-ratelimit-limit-requests': '1000000000',
  'x-ratelimit-remaining-requests': '999999999',
  'x-ratelimit-reset-requests': '60ms',
  'x-ratelimit-limit-tokens': '1000000000000',
  'x-ratelimit-remaining-tokens': '999999999999',
  'x-ratelimit-reset-tokens': '60ms',
};

/** Mean ms per admitted call over `calls` sequential admissions through `guard`. */
async function perCall(guard: Guard, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) {
    await guard.beforeAttempt(INFO);
    await guard.onSuccess({ ...INFO, responseHeaders: HEADERS, usedTokens: 120 });
  }
  return (performance.now() - start) / calls;
}

export async function measurePacerCost(args: {
  shareMs: number;
  quick: boolean;
  log: (line: string) => void;
}): Promise<PacerCost> {
  const calls = args.quick ? 500 : 2_000;
  const guards: Guard[] = [
    createFleetGuard({
      store: createMemoryStore(),
      apiKey: API_KEY,
      pacing: { rpm: 1e9, tpm: 1e12 },
    }),
    createFleetGuard({ store: createMemoryStore(), apiKey: API_KEY }),
    createFleetGuard({ store: createMemoryStore(), apiKey: API_KEY }),
  ];
  for (const guard of guards) await perCall(guard, calls);
  const costs: number[] = [];
  const aa: number[] = [];
  const start = performance.now();
  const min = args.quick ? 2 : 6;
  for (let round = 0; round < 60; round++) {
    const elapsed = performance.now() - start;
    if (round >= min && elapsed + elapsed / round > args.shareMs) break;
    const ms: number[] = [];
    for (const index of ORDERS[round % ORDERS.length]!)
      ms[index] = await perCall(guards[index]!, calls);
    const [paced, plain, plainB] = ms as [number, number, number];
    costs.push(paced - (plain + plainB) / 2);
    aa.push(plainB - plain);
  }
  const costMs = spread(costs);
  const aaMs = spread(aa);
  const verdict = judge(costMs, { scale: 'difference', better: 'lower', target: TARGET_MS }, aaMs);
  args.log(
    `  pacer cost: ${fixed(costMs.median, 4)} ms per admitted call (A/A ${fixed(aaMs.median, 4)} ms), ${costMs.n} rounds × ${calls}`,
  );
  return {
    callsPerRound: calls,
    rounds: costMs.n,
    costMs,
    aaMs,
    verdict,
    goal: goalLine(
      `the pacer's own cost per admitted call (memory store) ≤ ${TARGET_MS} ms (paced − plain fleet guard, in process, ${costMs.n} rounds × ${calls} calls; A/A ${fixed(aaMs.median, 4)} ms (${fixed(aaMs.min, 4)}–${fixed(aaMs.max, 4)}))`,
      verdict,
    ),
  };
}
