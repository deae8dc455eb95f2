import { describe, expect, it } from 'vitest';
import { affordableWaitMs } from './affordable-wait';

describe('affordableWaitMs', () => {
  it('keeps a tenth of the time left for the answer, at most a second', () => {
    expect(affordableWaitMs({ deadlineAt: 1_000 }, 0)).toBe(900);
    expect(affordableWaitMs({ deadlineAt: 10_500 }, 500)).toBe(9_000);
    expect(affordableWaitMs({ deadlineAt: 60_000 }, 0)).toBe(59_000);
  });

  it('has no bound without a deadline, and none left once it has passed', () => {
    expect(affordableWaitMs({}, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(affordableWaitMs({ deadlineAt: 0 }, 0)).toBe(0);
    expect(affordableWaitMs({ deadlineAt: 100 }, 200)).toBeLessThan(0);
  });
});
