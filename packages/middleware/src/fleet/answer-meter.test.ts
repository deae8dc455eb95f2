import { describe, expect, it } from 'vitest';
import { countAnswer, createAnswerMeter, recentAnswers } from './answer-meter';

const T0 = 1_800_000_000_000; // a whole second

describe('answer meter: the successes of the last minute and their tokens', () => {
  it('counts each success and its tokens, over the time since it started', () => {
    const meter = createAnswerMeter(T0);
    countAnswer(meter, T0 + 100, 20_000);
    countAnswer(meter, T0 + 900, 40);
    countAnswer(meter, T0 + 2_500, 20_000);
    expect(recentAnswers(meter, T0 + 3_000)).toEqual({
      requests: 3,
      tokens: 40_040,
      spanMs: 3_000,
    });
    expect(meter.tokens).toBe(40_040);
  });

  it('a second 59 s old still counts; at 60 s its slot is past the minute (the span stays a minute)', () => {
    const meter = createAnswerMeter(T0);
    countAnswer(meter, T0, 100);
    expect(recentAnswers(meter, T0 + 59_999)).toEqual({ requests: 1, tokens: 100, spanMs: 59_999 });
    expect(recentAnswers(meter, T0 + 60_000)).toEqual({ requests: 0, tokens: 0, spanMs: 60_000 });
  });

  it('a slot reused a minute later counts the new second only; after a day idle nothing is recent, the total stays', () => {
    const meter = createAnswerMeter(T0);
    countAnswer(meter, T0 + 10, 500);
    countAnswer(meter, T0 + 60_010, 7);
    expect(recentAnswers(meter, T0 + 60_020)).toMatchObject({ requests: 1, tokens: 7 });
    const day = 24 * 60 * 60_000;
    expect(recentAnswers(meter, T0 + day)).toEqual({ requests: 0, tokens: 0, spanMs: 60_000 });
    expect(meter.tokens).toBe(507);
  });

  it('a clock that went back counts no slot from its future', () => {
    const meter = createAnswerMeter(T0);
    countAnswer(meter, T0 + 5_000, 1);
    expect(recentAnswers(meter, T0 + 1_000)).toEqual({ requests: 0, tokens: 0, spanMs: 1_000 });
  });
});
