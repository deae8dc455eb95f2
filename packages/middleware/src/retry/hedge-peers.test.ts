import { describe, expect, it } from 'vitest';
import { createPeerSet, HEDGE_PEERS, lateAlone, peerOnTimeAt } from './hedge-peers';

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

  it('an answer is on time once it has waited 1.5× the time it took (exactly then included); 1 ms slower, late', () => {
    // Three late in flight and two answers alike: on time, 3 late of 5 (limit 3): hedged; late,
    // 5 of 5: it waits. It has waited 600 ms.
    const late = repeat(startedAt, 3);
    const earliest = startedAt - HEDGE_PEERS.aroundShare * delayMs;
    const twice = (a: { value: number; takenAt: number }) => [a, a];
    const limit = delayMs / HEDGE_PEERS.slowerBy; // 400 ms
    expect(lateAlone(view(late, twice(answer(earliest, limit))))).toBe(true);
    expect(lateAlone(view(late, twice(answer(earliest, limit + 1))))).toBe(false);
    // Whatever the delay: an answer within it, but not 1.5× faster than the wait, is late.
    expect(lateAlone(view(late, twice(answer(startedAt, delayMs - 1))))).toBe(false);
  });

  it('a wave shifted past the delay with three stalls: each stall waits until 1.5× the answers of its wave, then is hedged (exactly at it)', () => {
    // Ten started together; seven answered at 900 to 906 ms, past the 600 ms delay; the attempt
    // and two more stalled. Before, the answers past the delay counted late for ever.
    const answered = Array.from({ length: 7 }, (_, i) => answer(startedAt, 900 + i));
    const wave = (waitedMs: number) => ({
      startedAt,
      delayMs,
      now: startedAt + waitedMs,
      inFlight: repeat(startedAt, 2),
      answered,
    });
    // 1.5 × the fifth answer (904 ms): 5 on time, 4 late (limit 3.8).
    expect(lateAlone(wave(1.5 * 904 - 1))).toBe(false);
    expect(lateAlone(wave(1.5 * 904))).toBe(false);
    // 1.5 × the sixth (905 ms): 6 on time, 3 late: hedged.
    expect(lateAlone(wave(1.5 * 905 - 1))).toBe(false);
    expect(lateAlone(wave(1.5 * 905))).toBe(true);
  });

  it('the tail of a wave shifted past the delay, 100 ms behind its head, waits for its answer', () => {
    // Seven answered at 900 ms (a while ago), the attempt and two more still in flight at 1,000 ms,
    // past the 930 ms delay: the old rule hedged all three once the seven were a tenth of a delay old.
    const answered = repeat(answer(startedAt, 900), 7);
    const tail = { startedAt, delayMs: 930, inFlight: repeat(startedAt, 2), answered };
    expect(lateAlone({ ...tail, now: startedAt + 1_000 })).toBe(false);
    expect(lateAlone({ ...tail, now: startedAt + 1_349 })).toBe(false);
    expect(lateAlone({ ...tail, now: startedAt + 1_350 })).toBe(true); // a stall: 1.5 × 900 ms
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

describe('peerOnTimeAt', () => {
  it('the first moment an answered peer counts on time: 1.5× the fastest still late; none when all are on time, for no peer, or no answer', () => {
    const late = [answer(startedAt, 590), answer(startedAt, 570), answer(startedAt, 401)];
    expect(peerOnTimeAt(view([], late))).toBe(startedAt + 1.5 * 401);
    // On time already (exactly 1.5× its time at 600 ms), not a peer, or still in flight.
    const onTime = answer(startedAt, 400);
    const far = answer(startedAt + HEDGE_PEERS.aroundShare * delayMs + 1, 440);
    expect(peerOnTimeAt(view([startedAt], [onTime, far]))).toBeUndefined();
    expect(peerOnTimeAt(view([], []))).toBeUndefined();
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
