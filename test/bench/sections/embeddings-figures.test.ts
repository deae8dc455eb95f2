import { describe, expect, it } from 'vitest';
import {
  CHUNK_CHARS,
  CHUNK_TOKENS,
  floorMs,
  ingestionChunks,
  ingestionFigures,
  judgeIngestion,
  limitForFloor,
  type SentRequest,
} from './embeddings-figures';

describe('the ingestion corpus and limit', () => {
  it('chunks are distinct and exactly 200 tokens each by the emulator count (4 characters a token)', () => {
    const chunks = ingestionChunks(5_000);
    expect(chunks).toHaveLength(5_000);
    expect(new Set(chunks).size).toBe(5_000);
    expect(chunks.every(chunk => chunk.length === CHUNK_CHARS)).toBe(true);
    expect(CHUNK_TOKENS).toBe(200);
  });

  it('the limit puts the floor at the target: 1M tokens, 60 s, 6 s windows = 100k per window', () => {
    const limit = limitForFloor(1_000_000, 60_000, 6_000, 20_000);
    expect(limit).toEqual({ tokensPerWindow: 100_000, windowMs: 6_000 });
    expect(floorMs(1_000_000, limit)).toBe(60_000);
  });

  it('never below one batch: a batch larger than the window would never be admitted', () => {
    const limit = limitForFloor(10_000, 600_000, 6_000, 20_000);
    expect(limit.tokensPerWindow).toBe(20_000);
    expect(floorMs(10_000, limit)).toBe(3_000);
  });
});

describe('the figures of a run', () => {
  const sent: SentRequest[] = [
    { path: '/v1/embeddings', status: 200 },
    { path: '/v1/embeddings', status: 429 },
    { path: '/v1/embeddings', status: null },
    { path: '/v1/chat/completions', status: 429 },
    { path: '/v1/chat/completions', status: 200 },
  ];

  it('counts 429s per endpoint, and leaves failed chat calls out of the percentiles', () => {
    const chat = [
      ...Array.from({ length: 99 }, () => ({ ms: 10, ok: true })),
      { ms: 1_000, ok: true },
      { ms: 30_000, ok: false, error: 'TimeoutError' },
    ];
    const figures = ingestionFigures(sent, { ok: true, wallMs: 63_000, floorMs: 60_000 }, chat);
    expect(figures).toMatchObject({
      embedRequests: 3,
      embed429s: 1,
      chatRequests: 2,
      chat429s: 1,
      chatCalls: 101,
      chatFailed: 1,
      chatErrors: { TimeoutError: 1 },
      chatP50Ms: 10,
    });
    expect(figures.wallOverFloor).toBeCloseTo(1.05, 10);
    // p99 of 100 successes interpolates between the 99th (10 ms) and the 100th (1 s).
    expect(figures.chatP99Ms).toBeCloseTo(10 + 0.01 * 990, 6);
  });

  it('a failed job has no wall time against the floor', () => {
    const figures = ingestionFigures(sent, { ok: false, wallMs: 12_000, floorMs: 60_000 }, []);
    expect(figures.wallOverFloor).toBeNaN();
    expect(figures.chatP99Ms).toBeNaN();
  });

  it('judges the goals at their limits: exactly 2 % of the 429s and exactly 5 % over the floor are met', () => {
    const base = ingestionFigures([], { ok: true, wallMs: 60_000, floorMs: 60_000 }, []);
    const builtin = { ...base, embed429s: 400, chat429s: 100 };
    expect(
      judgeIngestion({ ...base, embed429s: 8, chat429s: 2, wallOverFloor: 1.05 }, builtin),
    ).toEqual({ fewer429s: true, nearFloor: true });
    expect(
      judgeIngestion({ ...base, embed429s: 9, chat429s: 2, wallOverFloor: 1.0501 }, builtin),
    ).toEqual({ fewer429s: false, nearFloor: false });
    expect(judgeIngestion({ ...base, wallOverFloor: Number.NaN }, builtin).nearFloor).toBe(false);
  });
});
