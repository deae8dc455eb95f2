import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { timerSignal } from './timer-signal';

describe('timerSignal: one signal for parents and timers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('no timer and one parent: the parent itself, no controller, no listener', () => {
    const parent = new AbortController();
    const s = timerSignal([parent.signal, undefined], [undefined]);
    expect(s.signal).toBe(parent.signal);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    expect(timerSignal([undefined], []).signal).toBeUndefined();
  });

  it('a parent that aborts aborts it with the parent’s own reason, at once', () => {
    const caller = new AbortController();
    const lost = new AbortController();
    const s = timerSignal([caller.signal, lost.signal], [{ ms: 1000, message: 'late' }]);
    const reason = new Error('user left');
    caller.abort(reason);
    expect(s.signal!.aborted).toBe(true);
    expect(s.signal!.reason).toBe(reason);
    expect(s.fired()).toBeUndefined();
  });

  it('a parent aborted already: born aborted with its reason, no timer armed, no listener', () => {
    const caller = new AbortController();
    caller.abort('gone');
    const s = timerSignal([caller.signal], [{ ms: 5, message: 'late' }]);
    expect(s.signal!.reason).toBe('gone');
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('the timer fires at exactly its ms with a TimeoutError, and fired() names it', () => {
    const timer = { ms: 300, message: 'attemptTimeoutMs exceeded' };
    const s = timerSignal([new AbortController().signal], [timer]);
    vi.advanceTimersByTime(299);
    expect(s.signal!.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(s.signal!.aborted).toBe(true);
    expect(s.signal!.reason).toBeInstanceOf(DOMException);
    expect((s.signal!.reason as DOMException).name).toBe('TimeoutError');
    expect((s.signal!.reason as DOMException).message).toBe('attemptTimeoutMs exceeded');
    expect(s.fired()).toBe(timer);
  });

  it('of two timers only the earlier is armed and fires; on a tie the first listed wins', () => {
    const deadline = { ms: 200, message: 'Deadline of 200 ms exceeded' };
    const attempt = { ms: 500, message: 'attemptTimeoutMs exceeded' };
    const s = timerSignal([undefined], [deadline, attempt]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(200);
    expect(s.fired()).toBe(deadline);
    const tie = { ms: 200, message: 'tie' };
    const t = timerSignal([], [tie, { ms: 200, message: 'second' }]);
    vi.advanceTimersByTime(200);
    expect(t.fired()).toBe(tie);
    const later = timerSignal([], [{ ms: 900, message: 'late' }, attempt]);
    vi.advanceTimersByTime(500);
    expect(later.fired()).toBe(attempt);
  });

  it('clear() stops the timer; the signal still follows its parent', () => {
    const parent = new AbortController();
    const s = timerSignal([parent.signal], [{ ms: 10, message: 'late' }]);
    s.clear();
    vi.advanceTimersByTime(1_000_000);
    expect(s.signal!.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    parent.abort('stop');
    expect(s.signal!.reason).toBe('stop');
  });

  it('unlink() removes the listener on a long-lived parent: 1,000 unlinked signals leave none, and its abort reaches none of them', () => {
    const caller = new AbortController();
    const signals = Array.from({ length: 1000 }, () => {
      const s = timerSignal([caller.signal], [{ ms: 60_000, message: 'late' }]);
      s.clear();
      s.unlink();
      return s.signal!;
    });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    caller.abort('late');
    expect(signals.some(s => s.aborted)).toBe(false);
  });

  it('many linked signals on one parent share one listener (no MaxListeners warning)', () => {
    const caller = new AbortController();
    const linked = Array.from({ length: 50 }, () =>
      timerSignal([caller.signal], [{ ms: 60_000, message: 'late' }]),
    );
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort('all');
    expect(linked.every(s => s.signal!.reason === 'all')).toBe(true);
    for (const s of linked) s.clear();
  });
});
