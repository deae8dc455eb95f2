/**
 * Section 6 (`--section embeddings`): an ingestion job beside a chat user on one key (issue 29).
 * `embedMany` of `BENCH_EMBED_CHUNKS` chunks (default 5,000, 200 tokens each, 100 per request) under
 * a TPM limit the client is not told (429 + `Retry-After` in whole seconds, no `x-ratelimit-*`
 * headers), while a chat caller starts one `generateText` a second on the same key. The limit is set
 * so that the job's floor (total tokens ÷ the limit's rate) is `BENCH_EMBED_FLOOR_S` (default 60 s),
 * over a sliding window of a tenth of a minute. Each contender meets its own fresh emulator (in a
 * child process), one after the other; a chat caller alone (no job) gives the baseline latency.
 * Ours runs twice: with the guard's defaults (judged against the issue's goals) and with a pacer wait
 * of 5 minutes, as a batch job may be configured.
 */

import { BENCH_API_KEY, startEmulatorProcess } from '../lib/emulator';
import { fixed, fmtMs } from '../lib/format';
import { collectGarbage } from '../lib/gc';
import type { SectionArgs, SectionResult } from '../lib/section';
import type { Table } from '../lib/table';
import {
  builtinIngestion,
  CHAT_MODEL_ID,
  type IngestionClient,
  type IngestionContender,
  oracleIngestion,
  oursIngestion,
  oursUnmarkedIngestion,
} from './embeddings-contenders';
import {
  CHUNK_TOKENS,
  type ChatCall,
  floorMs,
  type IngestionFigures,
  type IngestionLimit,
  ingestionChunks,
  ingestionFigures,
  judgeIngestion,
  limitForFloor,
  type SentRequest,
} from './embeddings-figures';

/** The limit's sliding window: a tenth of a minute, so a run of a minute covers ten of them. */
const WINDOW_MS = 6_000;
const BATCH_SIZE = 100;
/** The chat caller starts a call every second, whatever the previous one is doing. */
const CHAT_EVERY_MS = 1_000;
const CHAT_DEADLINE_MS = 30_000;
/** Chat calls of the baseline run (no job). */
const BASELINE_CALLS = 20;
/** The job is given up after this many floors. */
const JOB_DEADLINE_FLOORS = 4;
/** Vector length: small, so that the client's JSON parsing stays out of the figures. */
const DIMENSIONS = 64;

/** The section's knobs, from the environment. */
export type IngestionKnobs = { chunks: number; floorMs: number; oracleParallel: number };

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

/** `BENCH_EMBED_CHUNKS`, `BENCH_EMBED_FLOOR_S`, `BENCH_EMBED_ORACLE_PARALLEL` (quick: 500 chunks, 20 s). */
export function ingestionKnobs(env: NodeJS.ProcessEnv, quick: boolean): IngestionKnobs {
  return {
    chunks: positiveInteger('BENCH_EMBED_CHUNKS', env.BENCH_EMBED_CHUNKS, quick ? 500 : 5_000),
    floorMs:
      positiveInteger('BENCH_EMBED_FLOOR_S', env.BENCH_EMBED_FLOOR_S, quick ? 20 : 60) * 1000,
    oracleParallel: positiveInteger(
      'BENCH_EMBED_ORACLE_PARALLEL',
      env.BENCH_EMBED_ORACLE_PARALLEL,
      1,
    ),
  };
}

/** One contender's run: what happened to the job, and the figures. */
export type IngestionRun = {
  contender: string;
  config: string;
  job: { ok: boolean; wallMs: number; tokens?: number; error?: string };
  figures: IngestionFigures;
};

/** A fetch that logs the path and status of every request. */
function loggingFetch(log: SentRequest[]): typeof globalThis.fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const entry: SentRequest = { path: url.pathname, status: null };
    log.push(entry);
    const response = await fetch(input, init);
    entry.status = response.status;
    return response;
  };
}

/**
 * Starts a chat call every {@link CHAT_EVERY_MS} until `stop()`; `settled()` waits for the calls in
 * flight (each has a deadline of {@link CHAT_DEADLINE_MS}).
 */
function chatCaller(client: IngestionClient, maxCalls = Number.POSITIVE_INFINITY) {
  const calls: Promise<ChatCall>[] = [];
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished: () => void = () => {};
  const done = new Promise<void>(resolve => {
    finished = resolve;
  });
  const start = performance.now();
  const tick = () => {
    if (stopped || calls.length >= maxCalls) return finished();
    const n = calls.length;
    const begun = performance.now();
    calls.push(
      client
        .chat(
          `Chat user, question ${n}: what is in the handbook?`,
          AbortSignal.timeout(CHAT_DEADLINE_MS),
        )
        .then(
          () => ({ ms: performance.now() - begun, ok: true }),
          (error: unknown) => ({
            ms: performance.now() - begun,
            ok: false,
            error: error instanceof Error ? error.name : typeof error,
          }),
        ),
    );
    timer = setTimeout(tick, Math.max(0, start + (n + 1) * CHAT_EVERY_MS - performance.now()));
  };
  tick();
  return {
    /** Resolves once `maxCalls` were started (never when unbounded). */
    allStarted: done,
    stop() {
      stopped = true;
      clearTimeout(timer);
      finished();
    },
    settled: () => Promise.all(calls),
  };
}

async function runContender(
  contender: IngestionContender,
  chunks: string[],
  limit: IngestionLimit,
  floor: number,
): Promise<IngestionRun> {
  const emulator = await startEmulatorProcess({
    limits: { tpm: limit.tokensPerWindow, windowMs: limit.windowMs },
    rateLimitHeaders: false,
    embeddingDimensions: DIMENSIONS,
  });
  const sent: SentRequest[] = [];
  try {
    const client = contender.build({
      baseURL: emulator.url,
      apiKey: BENCH_API_KEY,
      fetch: loggingFetch(sent),
      batchSize: BATCH_SIZE,
    });
    const chat = chatCaller(client);
    const started = performance.now();
    const job = await client.embed(chunks, AbortSignal.timeout(JOB_DEADLINE_FLOORS * floor)).then(
      ({ tokens }) => ({ ok: true, wallMs: performance.now() - started, tokens }),
      (error: unknown) => ({
        ok: false,
        wallMs: performance.now() - started,
        error:
          error instanceof Error ? `${error.name}: ${error.message.slice(0, 120)}` : String(error),
      }),
    );
    chat.stop();
    const calls = await chat.settled();
    return {
      contender: contender.name,
      config: contender.config,
      job,
      figures: ingestionFigures(sent, { ...job, floorMs: floor }, calls),
    };
  } finally {
    await emulator.close();
  }
}

/** The chat caller alone on a fresh key under the same limit: the latency with no job running. */
async function baselineChat(limit: IngestionLimit, calls: number): Promise<ChatCall[]> {
  const emulator = await startEmulatorProcess({
    limits: { tpm: limit.tokensPerWindow, windowMs: limit.windowMs },
    rateLimitHeaders: false,
  });
  try {
    const client = builtinIngestion.build({
      baseURL: emulator.url,
      apiKey: BENCH_API_KEY,
      fetch: globalThis.fetch,
      batchSize: BATCH_SIZE,
    });
    const chat = chatCaller(client, calls);
    await chat.allStarted;
    return await chat.settled();
  } finally {
    await emulator.close();
  }
}

/** What the embeddings section returns. */
export type IngestionResult = SectionResult & {
  knobs: IngestionKnobs;
  limit: IngestionLimit;
  totalTokens: number;
  floorMs: number;
  baseline: { p50Ms: number; p99Ms: number; calls: number; failed: number };
  runs: IngestionRun[];
};

export async function runEmbeddings(args: SectionArgs): Promise<IngestionResult> {
  const { log, quick } = args;
  const knobs = ingestionKnobs(process.env, quick);
  const chunks = ingestionChunks(knobs.chunks);
  const totalTokens = knobs.chunks * CHUNK_TOKENS;
  const limit = limitForFloor(totalTokens, knobs.floorMs, WINDOW_MS, BATCH_SIZE * CHUNK_TOKENS);
  const floor = floorMs(totalTokens, limit);
  log(
    `  ${knobs.chunks} chunks, ${totalTokens} tokens; limit ${limit.tokensPerWindow} tokens per ${WINDOW_MS / 1000} s; floor ${(floor / 1000).toFixed(1)} s`,
  );
  const baselineCalls = await baselineChat(limit, quick ? 5 : BASELINE_CALLS);
  const base = ingestionFigures([], { ok: false, wallMs: 0, floorMs: floor }, baselineCalls);
  log(`  no job: chat p50 ${fmtMs(base.chatP50Ms)}, p99 ${fmtMs(base.chatP99Ms)}`);
  const contenders = [
    builtinIngestion,
    oracleIngestion(knobs.oracleParallel),
    oursIngestion,
    oursUnmarkedIngestion,
  ];
  const runs: IngestionRun[] = [];
  for (const contender of contenders) {
    collectGarbage();
    const run = await runContender(contender, chunks, limit, floor);
    runs.push(run);
    const f = run.figures;
    log(
      `  ${run.contender}: job ${run.job.ok ? 'done' : `failed (${run.job.error})`} in ${fmtMs(run.job.wallMs)}; 429s embeddings ${f.embed429s}/${f.embedRequests}, chat ${f.chat429s}/${f.chatRequests}; chat p99 ${fmtMs(f.chatP99Ms)}, failed ${f.chatFailed}/${f.chatCalls}`,
    );
  }
  const baseline = {
    p50Ms: base.chatP50Ms,
    p99Ms: base.chatP99Ms,
    calls: base.chatCalls,
    failed: base.chatFailed,
  };
  return {
    table: ingestionTable(runs, { knobs, limit, totalTokens, floor, baseline }),
    knobs,
    limit,
    totalTokens,
    floorMs: floor,
    baseline,
    runs,
  };
}

/** ` (TimeoutError 3, RateLimitError 1)`, or nothing when no call failed. */
function errorNames(errors: Record<string, number>): string {
  const parts = Object.entries(errors).map(([name, n]) => `${name} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** A difference in ms with its sign. */
function signed(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${fmtMs(Math.abs(ms))}`;
}

function jobCell(run: IngestionRun, floor: number): string {
  const job = run.job;
  if (!job) return '—';
  const wall = fmtMs(job.wallMs);
  return job.ok
    ? `done in ${wall} (${fixed(job.wallMs / floor)}× floor)`
    : `failed after ${wall}: ${job.error?.split(':')[0]}`;
}

/** The table: one row per contender, and a line for the chat caller with no job. */
export function ingestionTable(
  runs: readonly IngestionRun[],
  context: {
    knobs: IngestionKnobs;
    limit: IngestionLimit;
    totalTokens: number;
    floor: number;
    baseline: IngestionResult['baseline'];
  },
): Table {
  const { knobs, limit, totalTokens, floor, baseline } = context;
  const rows = runs.map(run => {
    const f = run.figures;
    return [
      run.contender,
      jobCell(run, floor),
      `${f.embed429s} of ${f.embedRequests}`,
      `${f.chat429s} of ${f.chatRequests}`,
      `${f.chatFailed} of ${f.chatCalls}${errorNames(f.chatErrors)}`,
      fmtMs(f.chatP50Ms),
      `${fmtMs(f.chatP99Ms)} (${signed(f.chatP99Ms - baseline.p99Ms)})`,
    ];
  });
  rows.push([
    'no job (chat caller alone)',
    '—',
    '—',
    '—',
    `${baseline.failed} of ${baseline.calls}`,
    fmtMs(baseline.p50Ms),
    fmtMs(baseline.p99Ms),
  ]);
  const builtin = runs.find(r => r.contender === builtinIngestion.name)?.figures;
  const ours = runs.find(r => r.contender === oursIngestion.name)?.figures;
  const goals =
    ours && builtin
      ? (() => {
          const judged = judgeIngestion(ours, builtin);
          return `Goals for ours: 429s ≤ 2 % of the built-in's: ${judged.fewer429s ? 'met' : 'MISSED'}; job within 5 % of the floor: ${judged.nearFloor ? 'met' : 'MISSED'}; chat p99 against no job: see the last column.`;
        })()
      : 'Goals for ours: not judged (ours not measured in this run).';
  const perMinute = Math.round((limit.tokensPerWindow * 60_000) / limit.windowMs);
  return {
    title:
      'Embeddings: an ingestion job beside a chat user on one key (limit not told: 429 + Retry-After only)',
    columns: [
      'contender',
      'job (embedMany)',
      '429s embeddings',
      '429s chat',
      'chat calls failed',
      'chat p50',
      'chat p99 (vs no job)',
    ],
    rows,
    notes: [
      `${knobs.chunks} chunks of ${CHUNK_TOKENS} tokens (${totalTokens} tokens), ${BATCH_SIZE} per request, ${DIMENSIONS}-dimension vectors; limit ${limit.tokensPerWindow} tokens per sliding window of ${limit.windowMs / 1000} s (${perMinute} TPM), no x-ratelimit-* headers. Floor = total tokens ÷ the limit's rate = ${(floor / 1000).toFixed(1)} s (a sliding window admits its first window at once, so the best possible is one window less). BENCH_EMBED_CHUNKS, BENCH_EMBED_FLOOR_S set the size.`,
      `A chat caller starts generateText('${CHAT_MODEL_ID}') every ${CHAT_EVERY_MS / 1000} s on the same key while the job runs (deadline ${CHAT_DEADLINE_MS / 1000} s each); its latency is from its start to its answer, failed calls left out of the percentiles. The job is given up after ${JOB_DEADLINE_FLOORS}× the floor. Each contender meets its own fresh emulator (child process), one after the other, once.`,
      ...runs.map(r => `${r.contender}: ${r.config}.`),
      goals,
    ],
  };
}
