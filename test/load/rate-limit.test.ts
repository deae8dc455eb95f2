/**
 * Bounded load test (loopback only, stops by itself): 200 concurrent `generateText` calls against an
 * emulator limited to 60 requests per window per key, first through the middleware (with
 * `deadlineMs`), then with the AI SDK's built-in retry only. Prints a table; asserts invariants only:
 * no unhandled rejection, no request before the Retry-After its caller was told, every call settled,
 * memory bounded. Timings are recorded, never asserted.
 *
 * Time is compressed 10×: the emulator's window is 6 s instead of 60 s (`limits.windowMs`), so the
 * `Retry-After`/`retry-after-ms` it sends are 10× shorter, and the deadline is set in the same
 * compressed time (15 s, 2.5 windows). The contention is unchanged: 200 callers for 60 slots per
 * window, the same number of windows to drain them, and each retry must wait what it was told. What
 * does not scale: the fixed cost of a request on loopback (about a millisecond), now a 10× larger
 * share of the window, still far below 1% of it; and where the server's waits sit against the clients'
 * caps. The AI SDK honours `Retry-After` only below 60 s, the middleware up to `maxRetryAfterMs`
 * (60 s); a real wait here is just under one 60 s window, at the edge of both caps (a wait that
 * reaches 60 s would send the AI SDK back to its 2 s/4 s backoff), while compressed waits are far
 * below them. The table compares the clients when the server's waits are honoured.
 */
import { alayaMiddleware } from '@alaya-code/ai-sdk-middleware';
import { createAlaya } from '@alaya-code/ai-sdk-provider';
import { type Emulator, startEmulator } from '@alaya-code/emulator';
import { generateText, type LanguageModel, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureConsole } from '../support/console-capture.js';
import { plantedKey } from '../support/leaks.js';
import { trackUnhandledRejections } from '../support/process-events.js';

const CALLERS = 200;
const RPM = 60;
const WINDOW_MS = 6_000;
const DEADLINE_MS = 15_000;
/** A run that has not settled by then is a hang (the deadline, 3 attempts and slack stay far below). */
const RUN_BOUND_MS = 90_000;
/** Peak RSS may grow this much over the process's RSS before the test (emulator included). */
const RSS_BUDGET_BYTES = 512 * 1024 * 1024;
/** Timers never fire early, but the two clocks are read at 1 ms resolution around them. */
const CLOCK_SLACK_MS = 2;
const CALL_ID_HEADER = 'x-call-id';

/** One HTTP attempt as the client saw it. */
interface Attempt {
  sentAt: number;
  receivedAt?: number;
  status?: number;
  /** What the 429 told the caller to wait (`retry-after-ms`, else `Retry-After` seconds). */
  retryAfterMs?: number;
  requestId?: string;
}

interface RunReport {
  label: string;
  succeeded: number;
  requestsSent: number;
  requestsSeen: number;
  rateLimited: number;
  earlyRetries: Array<{ call: string; attempt: number; waitedMs: number; toldMs: number }>;
  earlyAtServer: number;
  p50: number;
  p99: number;
  peakRssBytes: number;
  unhandled: unknown[];
  settled: number;
  /** Failed calls by error name and, for the middleware's errors, why it gave up. */
  failures: Record<string, number>;
  /** Calls by number of HTTP attempts. */
  attemptsPerCall: Record<number, number>;
}

let emulator: Emulator;
const key = plantedKey();
const reports: RunReport[] = [];
let baselineRss = 0;

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    apiKeys: [key],
    limits: { rpm: RPM, windowMs: WINDOW_MS },
  });
  baselineRss = process.memoryUsage().rss;
});

afterAll(async () => {
  await emulator?.close();
});

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/**
 * The wait a 429 asked for, read independently of the code under test (its own parser would make the
 * check circular): `retry-after-ms`, else `Retry-After` in seconds, as the emulator sends them.
 */
function toldToWait(headers: Headers): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms)) return ms;
  const seconds = Number(headers.get('retry-after'));
  return headers.has('retry-after') && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Runs 200 concurrent calls on a fresh rate window and measures what happened. */
async function runLoad(
  label: string,
  makeModel: (alaya: ReturnType<typeof createAlaya>) => LanguageModel,
): Promise<RunReport> {
  emulator.reset();
  const attempts = new Map<string, Attempt[]>();
  const alaya = createAlaya({
    apiKey: key,
    baseURL: emulator.url,
    fetch: async (input, init) => {
      const call = new Headers(init?.headers).get(CALL_ID_HEADER) ?? 'unknown';
      const attempt: Attempt = { sentAt: performance.now() };
      const list = attempts.get(call) ?? [];
      list.push(attempt);
      attempts.set(call, list);
      const response = await fetch(input, init);
      attempt.receivedAt = performance.now();
      attempt.status = response.status;
      attempt.requestId = response.headers.get('x-request-id') ?? undefined;
      if (response.status === 429) attempt.retryAfterMs = toldToWait(response.headers);
      return response;
    },
  });
  const model = makeModel(alaya);

  const unhandled = trackUnhandledRejections();
  const captured = captureConsole();
  let peakRssBytes = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);
  }, 25);
  const durations: number[] = [];
  let succeeded = 0;
  let settled = 0;
  const failures: Record<string, number> = {};
  let boundTimer: ReturnType<typeof setTimeout> | undefined;
  try {
    const calls = Array.from({ length: CALLERS }, async (_, index) => {
      const started = performance.now();
      try {
        await generateText({
          model,
          prompt: `Load caller ${index}`,
          headers: { [CALL_ID_HEADER]: `call-${index}` },
        });
        succeeded++;
      } catch (error) {
        const { name, exhaustedReason } = error as { name?: string; exhaustedReason?: string };
        const reason = `${name}${exhaustedReason ? ` (${exhaustedReason})` : ''}`;
        failures[reason] = (failures[reason] ?? 0) + 1;
      } finally {
        durations.push(performance.now() - started);
        settled++;
      }
    });
    await Promise.race([
      Promise.all(calls),
      new Promise<never>((_, reject) => {
        boundTimer = setTimeout(
          () => reject(new Error(`${label}: calls still running after ${RUN_BOUND_MS} ms`)),
          RUN_BOUND_MS,
        );
      }),
    ]);
  } finally {
    clearTimeout(boundTimer);
    clearInterval(sampler);
    captured.restore();
    unhandled.stop();
  }
  await new Promise(resolve => setTimeout(resolve, 50));

  // Client side: each retry was sent no earlier than the wait the previous 429 asked for, counted
  // from the moment that 429's head arrived.
  const earlyRetries: RunReport['earlyRetries'] = [];
  for (const [call, list] of attempts) {
    for (let i = 1; i < list.length; i++) {
      const previous = list[i - 1]!;
      if (previous.status !== 429 || previous.retryAfterMs === undefined) continue;
      const waitedMs = list[i]!.sentAt - previous.receivedAt!;
      if (waitedMs < previous.retryAfterMs - CLOCK_SLACK_MS) {
        earlyRetries.push({ call, attempt: i + 1, waitedMs, toldMs: previous.retryAfterMs });
      }
    }
  }
  // Server side, from the emulator's own log: the next request of the same caller arrived no earlier
  // than the previous one plus the wait it was told.
  const byId = new Map(emulator.requests.map(record => [record.id, record]));
  let earlyAtServer = 0;
  for (const list of attempts.values()) {
    for (let i = 1; i < list.length; i++) {
      const previous = byId.get(list[i - 1]!.requestId ?? '');
      const next = byId.get(list[i]!.requestId ?? '');
      const told = list[i - 1]!.retryAfterMs;
      if (!previous || !next || told === undefined) continue;
      if (next.time - previous.time < told - CLOCK_SLACK_MS) earlyAtServer++;
    }
  }

  const attemptsPerCall: Record<number, number> = {};
  for (const list of attempts.values())
    attemptsPerCall[list.length] = (attemptsPerCall[list.length] ?? 0) + 1;
  const sorted = [...durations].sort((a, b) => a - b);
  const requestsSent = [...attempts.values()].reduce((sum, list) => sum + list.length, 0);
  return {
    label,
    succeeded,
    requestsSent,
    requestsSeen: emulator.requests.length,
    rateLimited: emulator.requests.filter(record => record.status === 429).length,
    earlyRetries,
    earlyAtServer,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    peakRssBytes,
    unhandled: unhandled.reasons,
    settled,
    failures,
    attemptsPerCall,
  };
}

function printTable(rows: readonly RunReport[]): void {
  const header = [
    'run',
    'success',
    'requests sent',
    '429s',
    'early retries',
    'p50 ms',
    'p99 ms',
    'peak RSS MB',
  ];
  const lines = rows.map(r => [
    r.label,
    `${r.succeeded}/${CALLERS} (${((100 * r.succeeded) / CALLERS).toFixed(1)}%)`,
    String(r.requestsSent),
    String(r.rateLimited),
    String(r.earlyRetries.length + r.earlyAtServer),
    r.p50.toFixed(0),
    r.p99.toFixed(0),
    (r.peakRssBytes / 1024 / 1024).toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map(line => line[i]!.length)));
  const row = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(
    [
      `Load: ${CALLERS} concurrent generateText calls, ${RPM} requests per ${WINDOW_MS / 1000} s window (60 RPM, time compressed 10x)`,
      row(header),
      row(widths.map(w => '-'.repeat(w))),
      ...lines.map(row),
      ...rows.map(
        r =>
          `${r.label}: failures ${JSON.stringify(r.failures)}; calls by attempts ${JSON.stringify(r.attemptsPerCall)}`,
      ),
    ].join('\n'),
  );
}

describe('200 concurrent calls against 60 RPM', () => {
  it.each([
    {
      label: `middleware (deadlineMs ${DEADLINE_MS})`,
      makeModel: (alaya: ReturnType<typeof createAlaya>) =>
        wrapLanguageModel({
          model: alaya('glm-5.2'),
          middleware: alayaMiddleware({ deadlineMs: DEADLINE_MS, apiKey: key }),
        }),
    },
    {
      // Same, with more retries: the deadline now decides who gives up (4th retry would end past it).
      label: `middleware, maxRetries 4 (deadlineMs ${DEADLINE_MS})`,
      makeModel: (alaya: ReturnType<typeof createAlaya>) =>
        wrapLanguageModel({
          model: alaya('glm-5.2'),
          middleware: alayaMiddleware({ maxRetries: 4, deadlineMs: DEADLINE_MS, apiKey: key }),
        }),
    },
    {
      label: 'AI SDK retry only (maxRetries 2)',
      makeModel: (alaya: ReturnType<typeof createAlaya>) => alaya('glm-5.2'),
    },
  ])(
    '$label: invariants hold',
    async ({ label, makeModel }) => {
      const report = await runLoad(label, makeModel);
      reports.push(report);
      expect(report.settled).toBe(CALLERS);
      expect(report.unhandled).toEqual([]);
      expect(report.earlyRetries).toEqual([]);
      expect(report.earlyAtServer).toBe(0);
      // Every request the client sent reached the emulator and is in its log.
      expect(report.requestsSeen).toBe(report.requestsSent);
      expect(report.peakRssBytes - baselineRss).toBeLessThan(RSS_BUDGET_BYTES);
    },
    120_000,
  );

  it('prints the table', () => {
    expect(reports).toHaveLength(3);
    printTable(reports);
  });
});
