import { createRng } from '../lib/rng';
import type { FaultPlan, WireFault } from '../lib/traffic';

/** Model ids used by the recovery and contention sections (the emulator's default list). */
export const MODEL_A = 'glm-5.2';
export const MODEL_B = 'glm-5.1';

/** One fault schedule of section 2. */
export type Schedule = {
  id: 'a' | 'b' | 'c' | 'd' | 'e';
  title: string;
  /** Logical calls per contender (all started together). */
  calls: number;
  /** Whether contenders that can fall back get {@link MODEL_B} as their fallback model. */
  fallback: boolean;
  /** The deadline every call gets (AbortSignal for all, `deadlineMs` for ours). */
  deadlineMs: number;
  /** Seeded fault plan, a pure function of (call, attempt, model). */
  plan: FaultPlan;
  /** Human description of the plan for the report. */
  describe: string;
};

/** Attempts per call any plan can describe (contenders here make at most 3–6). */
export const MAX_PLANNED_ATTEMPTS = 12;

/** Draws a table `faults[call][attempt]` from a seeded RNG; attempts beyond it are fault-free. */
export function tablePlan(
  seed: number,
  calls: number,
  draw: (rng: ReturnType<typeof createRng>, call: number) => Array<WireFault | undefined>,
): FaultPlan {
  const rng = createRng(seed);
  const table: Array<Array<WireFault | undefined>> = [];
  for (let c = 0; c < calls; c++) table.push(draw(rng, c).slice(0, MAX_PLANNED_ATTEMPTS));
  return (call, attempt) => table[Number(call.replace(/^call-/, ''))]?.[attempt];
}

/** The call id the bench puts in `x-bench-call` for logical call `index`. */
export function callId(index: number): string {
  return `call-${index}`;
}

/** Builds the five schedules of section 2 from one seed. */
export function buildSchedules(
  seed: number,
  options: { calls: number; deadlineMs: number },
): Schedule[] {
  const { calls, deadlineMs } = options;
  const rateLimited: WireFault = { status: 429, retryAfter: '1' };
  const serverErrors = [500, 502, 503] as const;
  return [
    {
      id: 'a',
      title: '429 bursts, Retry-After: 1',
      calls,
      fallback: false,
      deadlineMs,
      describe:
        '70 % of calls meet a burst of 1–2 consecutive 429s with `Retry-After: 1` before the server answers.',
      plan: tablePlan(seed ^ 0xa, calls, rng => {
        if (rng.next() >= 0.7) return [];
        return Array.from({ length: rng.int(1, 2) }, () => rateLimited);
      }),
    },
    {
      id: 'b',
      title: '30 % random 500/502/503',
      calls,
      fallback: false,
      deadlineMs,
      describe:
        'Each attempt independently fails with 500, 502 or 503 (JSON envelope) with p = 0.3.',
      plan: tablePlan(seed ^ 0xb, calls, rng =>
        Array.from({ length: MAX_PLANNED_ATTEMPTS }, () =>
          rng.next() < 0.3 ? { status: rng.pick(serverErrors) } : undefined,
        ),
      ),
    },
    {
      id: 'c',
      title: `model A down (502), model B healthy`,
      calls,
      fallback: true,
      deadlineMs,
      describe: `Every request for ${MODEL_A} gets 502 (HTML body, as gateways send); ${MODEL_B} always answers. Contenders that can fall back are given ${MODEL_B}.`,
      plan: (_call, _attempt, model) =>
        model === MODEL_A ? { status: 502, body: 'html' } : undefined,
    },
    {
      id: 'd',
      title: 'connection reset before headers',
      calls,
      fallback: false,
      deadlineMs,
      describe:
        'Each attempt independently has its socket destroyed before any header with p = 0.35.',
      plan: tablePlan(seed ^ 0xd, calls, rng =>
        Array.from({ length: MAX_PLANNED_ATTEMPTS }, () =>
          rng.next() < 0.35 ? { reset: 'before-headers' as const } : undefined,
        ),
      ),
    },
    {
      id: 'e',
      title: '429 with Retry-After: 120',
      calls,
      fallback: false,
      deadlineMs,
      describe: `Every attempt gets 429 with \`Retry-After: 120\`; no call can succeed within its ${deadlineMs / 1000} s deadline, the right move is to fail fast.`,
      plan: () => ({ status: 429, retryAfter: '120' }),
    },
  ];
}
