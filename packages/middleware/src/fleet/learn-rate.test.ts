import { describe, expect, it } from 'vitest';
import { correctBucket } from './correct-bucket';
import {
  initialRate,
  type LearnedRate,
  learnRate,
  type PaceAnswer,
  type RateSeen,
} from './learn-rate';
import { MAX_COUNT } from './rate-limits';

/** The instant every answer arrives (epoch ms); no timer runs in these tests. */
const NOW = 1_800_000_000_000;
const DAY_MS = 24 * 60 * 60_000;
const noBurst = { since: undefined, successes: 0 };
const at = (seen: Partial<RateSeen> = {}): RateSeen => ({ now: NOW, burst: noBurst, ...seen });
const success: PaceAnswer = { limited: false };
const limited: PaceAnswer = { limited: true };
const stated = (limit: number): PaceAnswer['report'] => ({ requests: { limit } });

/** Deeply frozen: `learnRate` and `correctBucket` must not write to what they are given. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

describe('learnRate: (state, answer, seen) → state', () => {
  const cases: Array<[string, LearnedRate, PaceAnswer, RateSeen, LearnedRate]> = [
    // The server's stated limit.
    [
      'a stated limit is the rate (learned_limit)',
      initialRate(undefined),
      { ...success, report: stated(120) },
      at(),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
    ],
    [
      'a stated limit above the ceiling is cut to exactly the ceiling (stated_limit)',
      initialRate({ rpm: 60 }),
      { ...limited, report: stated(500) },
      at(),
      { ceiling: { rpm: 60 }, rpm: 60, reason: 'stated_limit', holdUntil: NOW + 1_000 },
    ],
    [
      'a stated limit at the most a count is believed (MAX_COUNT, clamped when read) stays finite',
      initialRate(undefined),
      { ...success, report: stated(MAX_COUNT) },
      at(),
      { rpm: MAX_COUNT, reason: 'learned_limit', holdUntil: 0 },
    ],
    [
      'a stated limit wins over the first burst a success belongs to',
      { rpm: 40, reason: 'adaptive', holdUntil: NOW + 1, firstSpanMs: 30_000, probing: true },
      { ...success, report: stated(120) },
      at(),
      { rpm: 120, reason: 'learned_limit', holdUntil: NOW + 1, firstSpanMs: 30_000 },
    ],
    // Nothing known yet.
    [
      'a success without headers while nothing is known teaches nothing',
      initialRate(undefined),
      success,
      at({ burst: { since: NOW - 5_000, successes: 3 } }),
      { holdUntil: 0 },
    ],
    [
      'a first 429 before any admission (no burst) only starts the hold',
      initialRate(undefined),
      limited,
      at(),
      { holdUntil: NOW + 1_000 },
    ],
    [
      'a first 429 estimates the successes over the time until its Retry-After frees the window (whole seconds: half a second short)',
      initialRate(undefined),
      { ...limited, retryAfterMs: 30_000 },
      at({ burst: { since: NOW - 30_500, successes: 59 } }),
      { rpm: 59, reason: 'adaptive', holdUntil: NOW + 30_000, firstSpanMs: 60_000, probing: true },
    ],
    [
      'a first 429 with Retry-After: 1 (the least in whole seconds) counts half a second: the wait lay in the second before it',
      initialRate(undefined),
      { ...limited, retryAfterMs: 1_000 },
      at({ burst: { since: NOW - 500, successes: 5 } }),
      { rpm: 300, reason: 'adaptive', holdUntil: NOW + 1_000, firstSpanMs: 1_000, probing: true },
    ],
    [
      'a first 429 with a wait of 999 ms (not whole seconds) counts it as sent',
      initialRate(undefined),
      { ...limited, retryAfterMs: 999 },
      at({ burst: { since: NOW - 1, successes: 5 } }),
      { rpm: 300, reason: 'adaptive', holdUntil: NOW + 1_000, firstSpanMs: 1_000, probing: true },
    ],
    [
      'a first 429 without Retry-After divides by a minute at least',
      initialRate(undefined),
      limited,
      at({ burst: { since: NOW - 10_000, successes: 10 } }),
      { rpm: 10, reason: 'adaptive', holdUntil: NOW + 1_000, firstSpanMs: 60_000, probing: true },
    ],
    [
      'a first 429 with an hour of Retry-After believes a minute of it (RATE_WINDOW_MS)',
      initialRate(undefined),
      { ...limited, retryAfterMs: 3_600_000 },
      at({ burst: { since: NOW, successes: 5 } }),
      { rpm: 5, reason: 'adaptive', holdUntil: NOW + 60_000, firstSpanMs: 60_000, probing: true },
    ],
    [
      'a first 429 with a NaN Retry-After is one without',
      initialRate(undefined),
      { ...limited, retryAfterMs: Number.NaN },
      at({ burst: { since: NOW - 1_000, successes: 2 } }),
      { rpm: 2, reason: 'adaptive', holdUntil: NOW + 1_000, firstSpanMs: 60_000, probing: true },
    ],
    [
      'a first 429 after no success still paces (one request over the span, the floor is 1)',
      initialRate(undefined),
      limited,
      at({ burst: { since: NOW - 120_000, successes: 0 } }),
      { rpm: 1, reason: 'adaptive', holdUntil: NOW + 1_000, firstSpanMs: 120_000, probing: true },
    ],
    [
      "a first 429 cuts the fleet's rate when this instance knows none of its own",
      initialRate(undefined),
      limited,
      at({ fleet: { rpm: 300 }, burst: { since: NOW - 1_000, successes: 9 } }),
      { rpm: 270, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 300 },
    ],
    // AIMD without headers.
    [
      'a 429 cuts an adaptive rate to 0.9 of it, holds, and remembers the rate it came at',
      { rpm: 100, reason: 'adaptive', holdUntil: 0 },
      limited,
      at(),
      { rpm: 90, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 100 },
    ],
    [
      'a 429 outside the hold ends the probing (and cuts)',
      { rpm: 100, reason: 'adaptive', holdUntil: NOW - 1, probing: true },
      limited,
      at(),
      { rpm: 90, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 100 },
    ],
    [
      'a 429 within the hold keeps the probing and the rate',
      { rpm: 100, reason: 'adaptive', holdUntil: NOW + 1, probing: true },
      limited,
      at(),
      { rpm: 100, reason: 'adaptive', holdUntil: NOW + 1, probing: true },
    ],
    [
      'a 429 within the hold is the congestion already answered: no second cut',
      { rpm: 70, reason: 'adaptive', holdUntil: NOW + 500 },
      limited,
      at(),
      { rpm: 70, reason: 'adaptive', holdUntil: NOW + 500 },
    ],
    [
      'a 429 exactly when the hold ends is a new congestion: cut again',
      { rpm: 70, reason: 'adaptive', holdUntil: NOW },
      limited,
      at(),
      { rpm: 63, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 70 },
    ],
    [
      'a 429 after a day idle cuts once, and ends the first burst',
      { rpm: 70, reason: 'adaptive', holdUntil: NOW - DAY_MS, firstSpanMs: 60_000 },
      limited,
      at(),
      { rpm: 63, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 70 },
    ],
    [
      'a 429 at the floor stays at 1 request per minute',
      { rpm: 1, reason: 'adaptive', holdUntil: 0 },
      limited,
      at(),
      { rpm: 1, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 1 },
    ],
    // Climbing back after a cut, and past the rate it came at (the limit rose).
    [
      'a success just below the peak adds one (the climb back is gentle where the 429 came)',
      { rpm: 99.5, reason: 'adaptive', holdUntil: 0, peakRpm: 100 },
      success,
      at(),
      { rpm: 100.5, reason: 'adaptive', holdUntil: 0, peakRpm: 100 },
    ],
    [
      'a success exactly at the peak (no 429 there this time: the limit rose) probes again, the peak forgotten',
      { rpm: 100, reason: 'adaptive', holdUntil: 0, peakRpm: 100 },
      success,
      at(),
      { rpm: 100 * 2 ** 0.06, reason: 'adaptive', holdUntil: 0, probing: true },
    ],
    [
      'a success at the peak after a day idle probes again',
      { rpm: 100, reason: 'adaptive', holdUntil: NOW - DAY_MS, peakRpm: 100 },
      success,
      at({ now: NOW }),
      { rpm: 100 * 2 ** 0.06, reason: 'adaptive', holdUntil: NOW - DAY_MS, probing: true },
    ],
    [
      'a 429 while climbing back: the new peak is the rate it came at, cut from there',
      { rpm: 95, reason: 'adaptive', holdUntil: 0, peakRpm: 100 },
      limited,
      at(),
      { rpm: 85.5, reason: 'adaptive', holdUntil: NOW + 1_000, peakRpm: 95 },
    ],
    [
      'a 429 within the hold keeps the rate and the peak',
      { rpm: 90, reason: 'adaptive', holdUntil: NOW + 1, peakRpm: 100 },
      limited,
      at(),
      { rpm: 90, reason: 'adaptive', holdUntil: NOW + 1, peakRpm: 100 },
    ],
    [
      'a stated limit forgets the peak',
      { rpm: 90, reason: 'adaptive', holdUntil: 0, peakRpm: 100 },
      { ...success, report: stated(120) },
      at(),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
    ],
    [
      'a success adds one request per minute to an adaptive rate',
      { rpm: 49, reason: 'adaptive', holdUntil: 0 },
      success,
      at(),
      { rpm: 50, reason: 'adaptive', holdUntil: 0 },
    ],
    [
      'a success reaching exactly the ceiling is the stated limit again',
      { ceiling: { rpm: 60 }, rpm: 59.5, reason: 'adaptive', holdUntil: 0 },
      success,
      at(),
      { ceiling: { rpm: 60 }, rpm: 60, reason: 'stated_limit', holdUntil: 0 },
    ],
    [
      "a success of the first estimate's burst counts into it (one request over its span)",
      { rpm: 40, reason: 'adaptive', holdUntil: NOW + 1, firstSpanMs: 30_000, probing: true },
      success,
      at(),
      { rpm: 42, reason: 'adaptive', holdUntil: NOW + 1, firstSpanMs: 30_000, probing: true },
    ],
    [
      'a success exactly when the hold ends is past the burst: one more, and the burst is over',
      { rpm: 40, reason: 'adaptive', holdUntil: NOW, firstSpanMs: 30_000 },
      success,
      at(),
      { rpm: 41, reason: 'adaptive', holdUntil: NOW },
    ],
    [
      'a success while probing grows the rate by one paced slot of a doubling every 10 s',
      { rpm: 60, reason: 'adaptive', holdUntil: 0, probing: true },
      success,
      at(),
      { rpm: 60 * 2 ** 0.1, reason: 'adaptive', holdUntil: 0, probing: true },
    ],
    [
      'a success while probing a slow rate at most doubles it (one slot is longer than 10 s)',
      { rpm: 2, reason: 'adaptive', holdUntil: 0, probing: true },
      success,
      at(),
      { rpm: 4, reason: 'adaptive', holdUntil: 0, probing: true },
    ],
    [
      'a success while probing a high rate adds about 4 requests per minute (6 × ln 2: one slot of a doubling every 10 s)',
      { rpm: 1_000_000, reason: 'adaptive', holdUntil: 0, probing: true },
      success,
      at(),
      { rpm: 1_000_000 * 2 ** 6e-6, reason: 'adaptive', holdUntil: 0, probing: true },
    ],
    [
      'probing past the ceiling: exactly the ceiling, the stated limit',
      { ceiling: { rpm: 60 }, rpm: 58, reason: 'adaptive', holdUntil: 0, probing: true },
      success,
      at(),
      { ceiling: { rpm: 60 }, rpm: 60, reason: 'stated_limit', holdUntil: 0, probing: true },
    ],
    [
      'a stated limit ends the probing',
      { rpm: 40, reason: 'adaptive', holdUntil: 0, probing: true },
      { ...success, report: stated(120) },
      at(),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
    ],
    [
      'a success without headers does not move a learned limit',
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
      success,
      at(),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
    ],
    // Tokens.
    [
      'a stated token limit is the token rate, at most the ceiling',
      initialRate({ tpm: 30_000 }),
      { ...success, report: { tokens: { limit: 90_000 } } },
      at(),
      { ceiling: { tpm: 30_000 }, tpm: 30_000, reason: 'stated_limit', holdUntil: 0 },
    ],
    [
      'a stated token limit at MAX_COUNT without a ceiling stays finite',
      initialRate(undefined),
      { ...success, report: { tokens: { limit: MAX_COUNT } } },
      at(),
      { tpm: MAX_COUNT, holdUntil: 0 },
    ],
  ];

  it.each(cases)('%s', (_, state, answer, seen, expected) => {
    expect(learnRate(frozen(state), frozen(answer), frozen(seen))).toEqual(expected);
  });

  it('a ceiling is the rate from the start (stated_limit)', () => {
    expect(initialRate({ rpm: 60, tpm: 30_000 })).toEqual({
      ceiling: { rpm: 60, tpm: 30_000 },
      rpm: 60,
      tpm: 30_000,
      reason: 'stated_limit',
      holdUntil: 0,
    });
    expect(initialRate(undefined)).toEqual({ holdUntil: 0 });
  });

  it('AIMD from 429s alone: a first estimate, cuts once per hold (×0.9), then one more per success', () => {
    let state = initialRate(undefined);
    const burst = { since: NOW - 30_500, successes: 29 };
    // Retry-After: 30 (whole seconds): the server's wait was 29.5 s on average; 29 per minute.
    state = learnRate(state, { ...limited, retryAfterMs: 30_000 }, at({ burst }));
    expect(state.rpm).toBe(29);
    // Held (within the Retry-After): a late success of the burst adds a request over its span.
    state = learnRate(state, success, at({ now: NOW + 10_000, burst }));
    expect(state.rpm).toBe(30);
    state = learnRate(state, limited, at({ now: NOW + 20_000, burst }));
    expect(state.rpm).toBe(30);
    // After the hold: the next 429 cuts, and a success adds one.
    state = learnRate(state, limited, at({ now: NOW + 30_000, burst }));
    expect(state.rpm).toBeCloseTo(27);
    expect(state.probing).toBeUndefined();
    state = learnRate(state, success, at({ now: NOW + 31_000, burst }));
    expect(state.rpm).toBeCloseTo(28);
  });
});

describe('correctBucket: the correction the shared bucket needs after an answer', () => {
  const adaptive: LearnedRate = { rpm: 60, reason: 'adaptive', holdUntil: 0 };
  const tokens: LearnedRate = { tpm: 30_000, reason: 'learned_limit', holdUntil: 0 };
  const cases: Array<
    [string, LearnedRate, LearnedRate, PaceAnswer, RateSeen, ReturnType<typeof correctBucket>]
  > = [
    ['a success with nothing to say: none', adaptive, adaptive, success, at(), undefined],
    ['a 429 drains the requests', adaptive, adaptive, limited, at(), { atMostRequests: 0 }],
    [
      'the first rate learned drains the requests (the slow start filled the window)',
      initialRate(undefined),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
      { ...success, report: stated(120) },
      at(),
      { atMostRequests: 0 },
    ],
    [
      "a rate the fleet knew already is not the first: the server's remaining of 1 is a full bucket",
      initialRate(undefined),
      { rpm: 120, reason: 'learned_limit', holdUntil: 0 },
      { ...success, report: { requests: { limit: 120, remaining: 1 } } },
      at({ fleet: { rpm: 100 } }),
      undefined,
    ],
    [
      'remaining 0 requests lowers the bucket to 0',
      adaptive,
      adaptive,
      { ...success, report: { requests: { remaining: 0 } } },
      at(),
      { atMostRequests: 0 },
    ],
    [
      'remaining 0 requests with a reset within a slot keeps the refill that pays for the next request by the reset (60 rpm, reset 400 ms: 0.6)',
      adaptive,
      adaptive,
      { ...success, report: { requests: { remaining: 0, resetMs: 400 } } },
      at(),
      { atMostRequests: 0.6 },
    ],
    [
      'remaining 0 requests with a reset of exactly a slot, or longer, lowers the bucket to 0',
      adaptive,
      adaptive,
      { ...success, report: { requests: { remaining: 0, resetMs: 1_000 } } },
      at(),
      { atMostRequests: 0 },
    ],
    [
      'remaining 0 tokens lowers the tokens to 0',
      tokens,
      tokens,
      { ...success, report: { tokens: { remaining: 0 } } },
      at(),
      { atMostTokens: 0 },
    ],
    [
      'tokens taken beyond what was used are given back',
      tokens,
      tokens,
      { ...success, tokens: { estimated: 1_000, used: 400 } },
      at(),
      { tokens: 600 },
    ],
    [
      'a failure other than a 429 (no usage) gives back every token it took',
      tokens,
      tokens,
      { ...success, tokens: { estimated: 1_000 } },
      at(),
      { tokens: 1_000 },
    ],
    [
      'a 429 gives back none of the tokens it took (its slot is spent)',
      tokens,
      tokens,
      { ...limited, tokens: { estimated: 1_000 } },
      at(),
      { atMostRequests: 0 },
    ],
    [
      "a usage of exactly a minute's tokens is owed whole",
      tokens,
      tokens,
      { ...success, tokens: { estimated: 1_000, used: 30_000 } },
      at(),
      { tokens: -29_000 },
    ],
    [
      "a usage beyond a minute's tokens (1e12) is believed up to a minute's",
      tokens,
      tokens,
      { ...success, tokens: { estimated: 1_000, used: MAX_COUNT } },
      at(),
      { tokens: -29_000 },
    ],
    [
      "the fleet's paced token rate counts as its limit (÷ 0.98)",
      initialRate(undefined),
      initialRate(undefined),
      { ...success, tokens: { estimated: 0, used: 1e9 } },
      at({ fleet: { rpm: 100, tpm: 29_400 } }),
      { tokens: -30_000 },
    ],
    [
      'an estimate that is NaN gives nothing back',
      tokens,
      tokens,
      { ...success, tokens: { estimated: Number.NaN, used: 10 } },
      at(),
      undefined,
    ],
    [
      'tokens are not corrected while no token rate is known',
      adaptive,
      adaptive,
      { ...success, tokens: { estimated: 1_000, used: 10 } },
      at(),
      undefined,
    ],
  ];

  it.each(cases)('%s', (_, before, after, answer, seen, expected) => {
    expect(correctBucket(frozen(before), frozen(after), frozen(answer), frozen(seen))).toEqual(
      expected,
    );
  });
});
