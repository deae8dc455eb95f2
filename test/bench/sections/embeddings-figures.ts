/**
 * The pure part of the embeddings section: the ingestion job's corpus and limit, and the figures of
 * one run (429s per endpoint, job wall time against the floor, the chat caller's latency).
 */
import { percentile } from '../lib/stats';

/** Characters of one chunk: 200 tokens by the emulator's count (one token per 4 characters). */
export const CHUNK_CHARS = 800;
/** Tokens of one chunk as the emulator counts them. */
export const CHUNK_TOKENS = CHUNK_CHARS / 4;

/** `count` distinct chunks of exactly {@link CHUNK_CHARS} ASCII characters each. */
export function ingestionChunks(count: number): string[] {
  const filler =
    'The handbook explains how expense reports are filed, approved and paid, which receipts are needed and who signs off on travel. ';
  return Array.from({ length: count }, (_, i) => {
    const head = `Chunk ${i} of ${count}. `;
    return (head + filler.repeat(Math.ceil(CHUNK_CHARS / filler.length) + 1)).slice(0, CHUNK_CHARS);
  });
}

/** The key's limit: tokens per sliding window, chosen so that the job's floor is `floorMs`. */
export type IngestionLimit = { tokensPerWindow: number; windowMs: number };

/**
 * The limit under which `totalTokens` need `floorMs` at the limit's rate (the floor: total tokens ÷
 * the rate), rounded down to whole tokens, and never below one batch (a batch larger than a window
 * would never be admitted).
 */
export function limitForFloor(
  totalTokens: number,
  floorMs: number,
  windowMs: number,
  batchTokens: number,
): IngestionLimit {
  const perWindow = Math.floor((totalTokens * windowMs) / floorMs);
  return { tokensPerWindow: Math.max(batchTokens, perWindow), windowMs };
}

/** The floor: total tokens ÷ the limit's rate, in ms. */
export function floorMs(totalTokens: number, limit: IngestionLimit): number {
  return (totalTokens / limit.tokensPerWindow) * limit.windowMs;
}

/** One HTTP request the contender sent, as the bench's fetch saw it. */
export type SentRequest = {
  path: string;
  /** `null`: no response (the connection failed or the call was aborted). */
  status: number | null;
};

/** One chat call of the caller: its latency from its start, and the error's name when it failed. */
export type ChatCall = { ms: number; ok: boolean; error?: string };

/** The figures of one contender's run. */
export type IngestionFigures = {
  /** Requests to `/v1/embeddings`, and how many were answered 429. */
  embedRequests: number;
  embed429s: number;
  /** Requests to `/v1/chat/completions`, and how many were answered 429. */
  chatRequests: number;
  chat429s: number;
  /** Job wall time ÷ floor (NaN when the job failed). */
  wallOverFloor: number;
  chatCalls: number;
  chatFailed: number;
  /** Failed chat calls by error name. */
  chatErrors: Record<string, number>;
  /** Latency percentiles of the chat calls that succeeded (ms). */
  chatP50Ms: number;
  chatP99Ms: number;
};

const countOf = (requests: readonly SentRequest[], path: string, status?: number) =>
  requests.filter(r => r.path === path && (status === undefined || r.status === status)).length;

function countBy(names: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** The figures of a run from what was sent, how long the job took and the chat calls. */
export function ingestionFigures(
  requests: readonly SentRequest[],
  job: { ok: boolean; wallMs: number; floorMs: number },
  chat: readonly ChatCall[],
): IngestionFigures {
  const succeeded = chat.filter(c => c.ok).map(c => c.ms);
  return {
    embedRequests: countOf(requests, '/v1/embeddings'),
    embed429s: countOf(requests, '/v1/embeddings', 429),
    chatRequests: countOf(requests, '/v1/chat/completions'),
    chat429s: countOf(requests, '/v1/chat/completions', 429),
    wallOverFloor: job.ok ? job.wallMs / job.floorMs : Number.NaN,
    chatCalls: chat.length,
    chatFailed: chat.length - succeeded.length,
    chatErrors: countBy(chat.filter(c => !c.ok).map(c => c.error ?? 'unknown')),
    chatP50Ms: percentile(succeeded, 50),
    chatP99Ms: percentile(succeeded, 99),
  };
}

/** The goals for ours, judged against the built-in and the floor of the same run. */
export type IngestionGoals = {
  /** Ours' 429s (both endpoints) ≤ 2 % of the built-in's. */
  fewer429s: boolean;
  /** Ours' job finished within 5 % of the floor. */
  nearFloor: boolean;
};

/** Judges ours against the built-in; a failed job is never near the floor. */
export function judgeIngestion(ours: IngestionFigures, builtin: IngestionFigures): IngestionGoals {
  const total = (f: IngestionFigures) => f.embed429s + f.chat429s;
  return {
    fewer429s: total(ours) <= 0.02 * total(builtin),
    nearFloor: ours.wallOverFloor <= 1.05,
  };
}
