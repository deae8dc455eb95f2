import { describe, expect, it } from 'vitest';
import {
  initialRate,
  type LearnedRate,
  learnRate,
  type PaceAnswer,
  type RateSeen,
} from './learn-rate';
import { TOKEN_HEAVY, teachingDimension, tokensOfAnswer } from './learn-token-rate';
import { MAX_COUNT } from './rate-limits';

/** The instant every answer arrives (epoch ms); no timer runs in these tests. */
const NOW = 1_800_000_000_000;
const DAY_MS = 24 * 60 * 60_000;
const BATCH = 20_000;
const CHAT = 40;
const batch429: PaceAnswer = { limited: true, retryAfterMs: 6_000, tokens: { estimated: BATCH } };
const chat429: PaceAnswer = { limited: true, retryAfterMs: 1_000, tokens: { estimated: CHAT } };
const batchDone: PaceAnswer = { limited: false, tokens: { estimated: BATCH, used: BATCH } };
const chatDone: PaceAnswer = { limited: false, tokens: { estimated: CHAT, used: CHAT } };

/** What the pacer saw: five batches answered in the half second of the burst, nothing else. */
const afterBatches = (seen: Partial<RateSeen> = {}): RateSeen => ({
  now: NOW,
  burst: { since: NOW - 500, successes: 5, tokens: 5 * BATCH },
  recent: { requests: 5, tokens: 5 * BATCH, spanMs: 500 },
  ...seen,
});
/** Five chat calls in the burst instead. */
const afterChats: RateSeen = {
  now: NOW,
  burst: { since: NOW - 500, successes: 5, tokens: 5 * CHAT },
  recent: { requests: 5, tokens: 5 * CHAT, spanMs: 500 },
};

/** A token rate learned from 429s, the request rate unknown. */
const tokensLearned: LearnedRate = {
  tpm: 1_000_000,
  reason: 'adaptive',
  holdUntil: NOW - 1,
  adaptiveTokens: {},
};
/** Both learned from 429s: 60 requests and 30,000 tokens a minute (500 tokens a request). */
const bothLearned: LearnedRate = {
  rpm: 60,
  tpm: 30_000,
  reason: 'adaptive',
  holdUntil: NOW - 1,
  adaptiveTokens: {},
};

/** Deeply frozen: `learnRate` must not write to what it is given. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}
const learn = (state: LearnedRate, answer: PaceAnswer, seen: RateSeen) =>
  learnRate(frozen(state), frozen(answer), frozen(seen));

describe('a 429 without headers teaches the dimension the mix binds', () => {
  it('first 429 after a token-heavy burst: a token rate over the same span as the request estimate, no request rate', () => {
    // Five batches (100,000 tokens) since 500 ms ago, Retry-After 6 s (whole seconds: 5.5 s): 6 s.
    expect(learn(initialRate(undefined), batch429, afterBatches())).toEqual({
      tpm: 1_000_000,
      reason: 'adaptive',
      adaptiveTokens: { probing: true },
      holdUntil: NOW + 6_000,
      firstSpanMs: 6_000,
    });
  });

  it('first 429 after a request-heavy burst (chat calls of 40 tokens): the request rate, as without tokens', () => {
    const withTokens = learn(initialRate(undefined), chat429, afterChats);
    const withoutTokens = learn(
      initialRate(undefined),
      { limited: true, retryAfterMs: 1_000 },
      { now: NOW, burst: { since: NOW - 500, successes: 5 } },
    );
    expect(withTokens).toEqual(withoutTokens);
    expect(withTokens).toEqual({
      rpm: 300,
      reason: 'adaptive',
      probing: true,
      holdUntil: NOW + 1_000,
      firstSpanMs: 1_000,
    });
  });

  it(`the first 429 at exactly ${TOKEN_HEAVY} tokens a request is the requests'; one token more is the tokens'`, () => {
    const mix = (perRequest: number): RateSeen => ({
      now: NOW,
      burst: { since: NOW - 500, successes: 1, tokens: perRequest },
      recent: { requests: 1, tokens: perRequest, spanMs: 500 },
    });
    const at = (perRequest: number) =>
      learn(
        initialRate(undefined),
        { limited: true, retryAfterMs: 1_000, tokens: { estimated: perRequest } },
        mix(perRequest),
      );
    expect(at(TOKEN_HEAVY)).toMatchObject({ rpm: 60 });
    expect(at(TOKEN_HEAVY).tpm).toBeUndefined();
    expect(at(TOKEN_HEAVY + 1)).toMatchObject({ tpm: (TOKEN_HEAVY + 1) * 60 });
    expect(at(TOKEN_HEAVY + 1).rpm).toBeUndefined();
  });

  it('both rates known, a 429 while the mix is lighter than their ratio (tokens under the learned token rate) cuts the requests only', () => {
    const light = { ...chat429, tokens: { estimated: 100 } };
    const seen = {
      now: NOW,
      burst: afterChats.burst,
      recent: { requests: 50, tokens: 5_000, spanMs: 60_000 },
    };
    expect(learn(bothLearned, light, seen)).toEqual({
      ...bothLearned,
      rpm: 54,
      peakRpm: 60,
      holdUntil: NOW + 1_000,
    });
  });

  it('both rates known, a 429 while the mix is heavier than their ratio cuts the tokens only', () => {
    const seen = {
      now: NOW,
      burst: afterBatches().burst,
      recent: { requests: 10, tokens: 20_000, spanMs: 60_000 },
    };
    expect(learn(bothLearned, { ...chat429, tokens: { estimated: 2_000 } }, seen)).toEqual({
      ...bothLearned,
      tpm: 27_000,
      adaptiveTokens: { peak: 30_000 },
      holdUntil: NOW + 1_000,
    });
  });

  it('a mix exactly at the learned ratio (500 tokens a request) is the requests', () => {
    const seen = {
      now: NOW,
      burst: afterChats.burst,
      recent: { requests: 9, tokens: 4_500, spanMs: 60_000 },
    };
    const next = learn(bothLearned, { ...chat429, tokens: { estimated: 500 } }, seen);
    expect(next).toMatchObject({ rpm: 54, tpm: 30_000 });
  });

  it('only tokens known, a light 429 (chat calls) is the requests: a first request rate from the last minute of successes, the token rate kept', () => {
    const seen: RateSeen = {
      now: NOW,
      burst: { since: NOW - DAY_MS, successes: 10_000, tokens: 1e8 },
      recent: { requests: 60, tokens: 60 * CHAT, spanMs: 60_000 },
    };
    // 60 successes over the minute and the 0.5 s left of Retry-After: 1: 60 × 60 / 60.5.
    expect(learn(tokensLearned, chat429, seen)).toEqual({
      ...tokensLearned,
      rpm: (60 * 60_000) / 60_500,
      probing: true,
      holdUntil: NOW + 1_000,
      firstSpanMs: 60_500,
    });
  });

  it('only tokens known, a light 429 within the hold of the congestion just answered teaches nothing', () => {
    const held = { ...tokensLearned, holdUntil: NOW + 1 };
    expect(
      learn(held, chat429, {
        ...afterChats,
        recent: { requests: 60, tokens: 2_400, spanMs: 60_000 },
      }),
    ).toBe(held);
  });

  it('only requests known, a 429 of batches is the tokens: a first token rate from the last minute of successes', () => {
    const requestsLearned: LearnedRate = { rpm: 60, reason: 'adaptive', holdUntil: NOW - 1 };
    const seen: RateSeen = {
      now: NOW,
      burst: { since: NOW - DAY_MS, successes: 10_000, tokens: 1e6 },
      recent: { requests: 20, tokens: 10 * BATCH + 10 * CHAT, spanMs: 30_000 },
    };
    // Over 30 s of successes and Retry-After 6 s (5.5): 200,400 tokens in 35.5 s.
    expect(learn(requestsLearned, batch429, seen)).toEqual({
      ...requestsLearned,
      tpm: (200_400 * 60_000) / 35_500,
      adaptiveTokens: { probing: true },
      holdUntil: NOW + 6_000,
      firstSpanMs: 35_500,
    });
  });
});

describe('successes grow only the dimension that binds', () => {
  it('a batch while callers wait climbs by one batch a minute every minute (20,000² / 1,000,000 = 400); the request rate stays unknown', () => {
    expect(learn(tokensLearned, batchDone, afterBatches({ waiting: true }))).toEqual({
      ...tokensLearned,
      tpm: 1_000_400,
    });
  });

  it('a batch larger than the rate climbs by at most itself', () => {
    const low: LearnedRate = { ...tokensLearned, tpm: 10_000 };
    expect(learn(low, batchDone, afterBatches({ waiting: true })).tpm).toBe(30_000);
  });

  it('a batch while no caller waits (the key idle) grows nothing, probing or not', () => {
    expect(learn(tokensLearned, batchDone, afterBatches({ waiting: false }))).toBe(tokensLearned);
    const probing: LearnedRate = { ...tokensLearned, adaptiveTokens: { probing: true } };
    expect(learn(probing, batchDone, afterBatches())).toBe(probing);
  });

  it('a chat call (a light mix) does not push the token rate up, nor invent a request rate', () => {
    const seen = { ...afterChats, recent: { requests: 60, tokens: 2_400, spanMs: 60_000 } };
    expect(learn(tokensLearned, chatDone, seen)).toBe(tokensLearned);
  });

  it('a success of the first burst counts its tokens over the first span, callers waiting or not', () => {
    const first = learn(initialRate(undefined), batch429, afterBatches());
    expect(learn(first, batchDone, afterBatches({ now: NOW + 1_000 })).tpm).toBe(1_200_000);
  });

  it('while probing, a batch grows the token rate by its paced slot at a doubling every 10 s', () => {
    const probing: LearnedRate = { ...tokensLearned, adaptiveTokens: { probing: true } };
    // A batch of 20,000 at 1,000,000 a minute is a slot of 1.2 s: 2^0.12.
    expect(learn(probing, batchDone, afterBatches({ waiting: true })).tpm).toBeCloseTo(
      1_000_000 * 2 ** 0.12,
      6,
    );
  });
});

describe('probing on what the server accepted (issue 29: batches reserved at the first estimate)', () => {
  /** Twenty batches answered over the last 24 s: 1,000,000 tokens a minute delivered. */
  const delivered = (seen: Partial<RateSeen> = {}) =>
    afterBatches({ recent: { requests: 20, tokens: 20 * BATCH, spanMs: 24_000 }, ...seen });
  const probingAt = (tpm: number): LearnedRate => ({
    ...tokensLearned,
    tpm,
    adaptiveTokens: { probing: true },
  });

  it('a success grows a probing rate to exactly twice what the last minute delivered, no further', () => {
    // 1,990,000 × 2^(1.2 s × 1,000,000 / 1,990,000 / 10 s) ≈ 2,073,000: capped at 2 × 1,000,000.
    expect(learn(probingAt(1_990_000), batchDone, delivered({ waiting: true })).tpm).toBe(
      2_000_000,
    );
    // Below the cap it grows as before.
    expect(learn(probingAt(1_000_000), batchDone, delivered({ waiting: true })).tpm).toBeCloseTo(
      1_000_000 * 2 ** 0.12,
      6,
    );
  });

  it('a success never lowers a probing rate already above the cap (a success is no cut)', () => {
    expect(learn(probingAt(3_000_000), batchDone, delivered({ waiting: true })).tpm).toBe(
      3_000_000,
    );
  });

  it('the 429 that ends probing cuts to what the last minute delivered, not to 0.9 of the top', () => {
    const after = learn(probingAt(3_470_000), batch429, delivered());
    expect(after.tpm).toBe(1_000_000);
    expect(after.adaptiveTokens).toEqual({ peak: 3_470_000 });
  });

  it('the 429 that ends probing cuts to 0.9 of the top when more was delivered, and so does one after probing', () => {
    expect(learn(probingAt(1_050_000), batch429, delivered()).tpm).toBe(945_000);
    const climbing: LearnedRate = { ...tokensLearned, tpm: 3_000_000 };
    expect(learn(climbing, batch429, delivered()).tpm).toBe(2_700_000);
  });

  it('the 429 that ends probing after a minute without a success cuts to 0.9 of the top (nothing delivered is no rate)', () => {
    const idle = afterBatches({ recent: { requests: 0, tokens: 0, spanMs: 60_000 } });
    expect(learn(probingAt(2_000_000), batch429, idle).tpm).toBe(1_800_000);
  });
});

describe('limits of the token rate', () => {
  it('a 429 at the floor stays at one request of the mix a minute, and never below 1,000 tokens', () => {
    const low: LearnedRate = { ...tokensLearned, tpm: 20_000 };
    expect(learn(low, batch429, afterBatches()).tpm).toBe(20_000);
    const tiny: LearnedRate = { ...tokensLearned, tpm: 1_000 };
    const seen = { ...afterBatches(), recent: { requests: 0, tokens: 0, spanMs: 60_000 } };
    expect(learn(tiny, { ...batch429, tokens: { estimated: 600 } }, seen).tpm).toBe(1_000);
  });

  it('after a day idle (nothing in the last minute), the mix is the answer alone: a batch 429 cuts the tokens once', () => {
    const idle: LearnedRate = { ...bothLearned, holdUntil: NOW - DAY_MS };
    const seen: RateSeen = {
      now: NOW,
      burst: { since: NOW - DAY_MS, successes: 100, tokens: 1e6 },
      recent: { requests: 0, tokens: 0, spanMs: 60_000 },
    };
    expect(learn(idle, batch429, seen)).toMatchObject({
      rpm: 60,
      tpm: 27_000,
      holdUntil: NOW + 6_000,
    });
  });

  it('a usage beyond MAX_COUNT is believed up to it: every rate learned stays finite', () => {
    expect(tokensOfAnswer({ limited: false, tokens: { estimated: 0, used: 1.8e302 } })).toBe(
      MAX_COUNT,
    );
    expect(tokensOfAnswer({ limited: false, tokens: { estimated: Number.NaN, used: -1 } })).toBe(0);
    const seen: RateSeen = {
      now: NOW,
      burst: { since: NOW, successes: 1, tokens: MAX_COUNT },
      recent: { requests: 1, tokens: MAX_COUNT, spanMs: 0 },
    };
    const next = learn(
      initialRate(undefined),
      { limited: true, tokens: { estimated: 0, used: 1.8e302 } },
      seen,
    );
    expect(next.tpm).toBe(MAX_COUNT);
  });
});

describe('stated limits and rate headers: the request rate alone learns from 429s, as before', () => {
  it.each([
    ['a ceiling (pacing.rpm / tpm)', initialRate({ rpm: 60, tpm: 30_000 })],
    [
      'a limit learned from headers',
      { rpm: 60, reason: 'learned_limit', holdUntil: 0 } as LearnedRate,
    ],
    ['a token limit the server stated', { tpm: 30_000, holdUntil: 0 } as LearnedRate],
  ])('%s: a batch 429 is not attributed', (_, state) => {
    expect(teachingDimension(state, batch429, afterBatches())).toBeUndefined();
  });

  it('a 429 carrying a limit header is not attributed', () => {
    const answer = { ...batch429, report: { tokens: { limit: 30_000 } } };
    expect(teachingDimension(initialRate(undefined), answer, afterBatches())).toBeUndefined();
  });

  it('a stated token limit replaces one learned from 429s', () => {
    const next = learn(
      tokensLearned,
      { ...batchDone, report: { tokens: { limit: 500_000 } } },
      afterBatches(),
    );
    expect(next.tpm).toBe(500_000);
    expect(next.adaptiveTokens).toBeUndefined();
  });

  it('answers without tokens are not attributed: the request rate learns as it always did', () => {
    const noTokens: RateSeen = {
      now: NOW,
      burst: { since: NOW - 500, successes: 5, tokens: 0 },
      recent: { requests: 5, tokens: 0, spanMs: 500 },
    };
    expect(teachingDimension(initialRate(undefined), { limited: true }, noTokens)).toBeUndefined();
    const bare = { now: NOW, burst: { since: NOW - 500, successes: 5 } };
    expect(teachingDimension(initialRate(undefined), { limited: true }, bare)).toBeUndefined();
  });
});
