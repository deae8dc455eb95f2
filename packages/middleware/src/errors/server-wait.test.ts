import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serverWait } from './server-wait';

describe('serverWait', () => {
  it('believes a wait up to the cap: exactly at the cap is within it, one ms over is cut', () => {
    expect(serverWait(60_000, 60_000)).toEqual({ ms: 60_000, beyondCap: false });
    expect(serverWait(60_001, 60_000)).toEqual({ ms: 60_000, beyondCap: true });
    expect(serverWait(3_600_000, 60_000)).toEqual({ ms: 60_000, beyondCap: true });
    expect(serverWait(0, 60_000)).toEqual({ ms: 0, beyondCap: false });
  });

  it('a negative wait is 0; a wait that is not a finite number is not believed', () => {
    expect(serverWait(-5, 1000)).toEqual({ ms: 0, beyondCap: false });
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, undefined])
      expect(serverWait(ms, 1000)).toBeUndefined();
  });

  it('whatever the server sends, the wait believed is finite and within [0, cap]', () => {
    fc.assert(
      fc.property(fc.double(), fc.double({ min: 0, max: 1e12, noNaN: true }), (ms, cap) => {
        const wait = serverWait(ms, cap);
        expect(wait === undefined).toBe(!Number.isFinite(ms));
        if (wait === undefined) return;
        expect(Number.isFinite(wait.ms)).toBe(true);
        expect(wait.ms).toBeGreaterThanOrEqual(0);
        expect(wait.ms).toBeLessThanOrEqual(cap);
        expect(wait.beyondCap).toBe(ms > cap);
      }),
    );
  });
});
