import { describe, expect, it } from 'vitest';
import { createPeerSet, HEDGE_PEERS, lateAlone, recentAnswersAheadAt } from './hedge-peers';

// The attempt started at 10_000 and its 600 ms delay ran out at 10_600.
const startedAt = 10_000;
const delayMs = 600;
const now = startedAt + delayMs;
/** A peer that started at `start` and answered `ms` later. */
const answer = (start: number, ms: number) => ({ value: ms, takenAt: start + ms });
const repeat = <T>(value: T, n: number): T[] => Array.from({ length: n }, () => value);
const view = (inFlight: number[], answered: Array<{ value: number; takenAt: number }>) => ({
  startedAt,
  delayMs,
  now,
  inFlight,
  answered,
});

describe('lateAlone (the decision, pure)', () => {
  it('a lone call (no peers around it) is hedged', () => {
    expect(lateAlone(view([], []))).toBe(true);
  });

  it('at the limit (4 late of 10 peers: 20 % of them + 2) is hedged; one more late (5 of 10) waits', () => {
    const onTime = answer(startedAt, 300);
    expect(lateAlone(view(repeat(startedAt, 4), repeat(onTime, 6)))).toBe(true);
    expect(lateAlone(view(repeat(startedAt, 5), repeat(onTime, 5)))).toBe(false);
  });

  it('a burst sharing a slowdown (every peer in flight past the delay) waits', () => {
    expect(lateAlone(view(repeat(startedAt + 1, 59), []))).toBe(false);
  });

  it('peers are those started within a quarter of a delay before or after it, edges included', () => {
    const from = startedAt - HEDGE_PEERS.aroundShare * delayMs;
    const to = startedAt + HEDGE_PEERS.aroundShare * delayMs;
    const onTime = [answer(startedAt, 300)];
    // Four late peers in flight at the very edges outnumber one on time (limit 3); 1 ms outside,
    // they are no peers.
    expect(lateAlone(view([from, from, to, to], onTime))).toBe(false);
    expect(lateAlone(view([from - 1, from - 1, to + 1, to + 1], onTime))).toBe(true);
    // Answers are placed at their start too.
    const late = [answer(from, 700), answer(from, 700), answer(to, 700), answer(to, 700)];
    expect(lateAlone(view([], [...late, ...onTime]))).toBe(false);
    const outside = [answer(from - 1, 700), answer(from - 1, 700), answer(to + 1, 700)];
    expect(lateAlone(view([], [...outside, answer(to + 1, 700), ...onTime]))).toBe(true);
  });

  it('an answer is on time within the delay (exactly at it included) and a tenth of a delay before now (aheadShare)', () => {
    // Three late in flight and two answers alike: on time, 3 late of 5 (limit 3): hedged; late,
    // 5 of 5: it waits.
    const late = repeat(startedAt, 3);
    const earliest = startedAt - HEDGE_PEERS.aroundShare * delayMs;
    const twice = (a: { value: number; takenAt: number }) => [a, a];
    // At the delay: on time; 1 ms after it: late.
    expect(lateAlone(view(late, twice(answer(earliest, delayMs))))).toBe(true);
    expect(lateAlone(view(late, twice(answer(earliest, delayMs + 1))))).toBe(false);
    // Answered exactly a tenth of a delay before now: on time; 1 ms later: as slow as it (late).
    const ahead = now - HEDGE_PEERS.aheadShare * delayMs;
    expect(lateAlone(view(late, twice({ value: 400, takenAt: ahead })))).toBe(true);
    expect(lateAlone(view(late, twice({ value: 400, takenAt: ahead + 1 })))).toBe(false);
  });

  it('the tail of a slow burst, checked again as its peers answer, still waits', () => {
    // Ten started together, 2× the delay: at 1200, five answered just now, five still in flight.
    const later = startedAt + 2 * delayMs;
    const answered = repeat({ value: 2 * delayMs, takenAt: later }, 5);
    expect(
      lateAlone({
        startedAt,
        delayMs: 2 * delayMs,
        now: later,
        inFlight: repeat(startedAt, 4),
        answered,
      }),
    ).toBe(false);
  });
});

describe('recentAnswersAheadAt', () => {
  const ahead = HEDGE_PEERS.aheadShare * delayMs;
  it('the first moment a recent on-time answer counts on time; none for answers ahead, late or no peers', () => {
    const recent = [answer(startedAt, 590), answer(startedAt, 570)];
    expect(recentAnswersAheadAt(view([], recent))).toBe(startedAt + 570 + ahead);
    // Already ahead (exactly a tenth of a delay before now), late (past the delay), or no peer.
    const ahead0 = { value: 400, takenAt: now - ahead };
    const late = answer(startedAt, delayMs + 1);
    const far = answer(startedAt + HEDGE_PEERS.aroundShare * delayMs + 1, 440);
    expect(recentAnswersAheadAt(view([], [ahead0, late, far]))).toBeUndefined();
  });
});

describe('createPeerSet', () => {
  it('counts an attempt until it ends (once, however often end is called), and wakes the others then', async () => {
    const peers = createPeerSet();
    const a = peers.start(1);
    const b = peers.start(2);
    expect(peers.others(a)).toEqual([2]);
    const woken = a.peerEnded();
    b.end();
    await woken;
    expect(peers.others(a)).toEqual([]);
    const next = a.peerEnded();
    b.end(); // ended already: counts nothing and wakes no one
    const tick = new Promise(resolve => setTimeout(resolve, 0, 'tick'));
    expect(await Promise.race([next.then(() => 'woken'), tick])).toBe('tick');
    a.end();
    expect(peers.others(b)).toEqual([]);
  });

  it(`counts at most ${HEDGE_PEERS.maxInFlight} in flight: one more is not counted, and its end changes nothing`, () => {
    const peers = createPeerSet();
    const counted = Array.from({ length: HEDGE_PEERS.maxInFlight }, (_, i) => peers.start(i));
    const extra = peers.start(-1);
    expect(peers.others(extra)).toHaveLength(HEDGE_PEERS.maxInFlight);
    extra.end();
    expect(peers.others(extra)).toHaveLength(HEDGE_PEERS.maxInFlight);
    for (const attempt of counted) attempt.end();
    expect(peers.others(extra)).toEqual([]);
  });
});
