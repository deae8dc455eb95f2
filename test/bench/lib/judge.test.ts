import { describe, expect, it } from 'vitest';
import { controlNoise, judge, verdictCell } from './judge';
import { spread } from './stats';

const higher = { scale: 'ratio', better: 'higher', target: 0.97 } as const;

describe('judge', () => {
  it('says "not measured" and why when a figure has no measurements, never met or missed', () => {
    const verdict = judge(spread([]), higher, spread([1, 1]), 'no streaming rounds ran');
    expect(verdict).toEqual({ kind: 'not measured', detail: 'no streaming rounds ran' });
    expect(verdictCell(verdict)).toBe('not measured (no streaming rounds ran)');
  });

  it('says "not measured" when the A/A control it is judged against got no rounds', () => {
    expect(judge(spread([1.0, 1.01]), higher, spread([])).kind).toBe('not measured');
  });

  it('meets a target on the median', () => {
    expect(judge(spread([0.95, 0.98, 1.02]), higher, spread([0.99, 1.0, 1.01])).kind).toBe('met');
  });

  it("counts the control's distance from 1 as noise: two identical raws 4 % apart", () => {
    expect(controlNoise(spread([1.03, 1.04, 1.05]), 'ratio')).toBeCloseTo(0.04);
    expect(judge(spread([0.93, 0.94, 0.95]), higher, spread([1.03, 1.04, 1.05])).kind).toBe(
      'noise',
    );
  });

  it('calls a shortfall inside the control spread noise, and a larger one a miss', () => {
    const wideControl = spread([0.8, 1.0, 1.2]);
    expect(judge(spread([0.9, 0.93, 0.95]), higher, wideControl).kind).toBe('noise');
    const tightControl = spread([0.99, 1.0, 1.01]);
    const missed = judge(spread([0.85, 0.9, 0.92]), higher, tightControl);
    expect(missed.kind).toBe('missed');
    expect(verdictCell(missed)).toBe('MISSED');
  });

  it('judges differences (added latency) against a control ideally at 0', () => {
    const latency = { scale: 'difference', better: 'lower', target: 0.1 } as const;
    // ours adds 0.15 ms, but two identical raws differ by 0.08 ms: 0.05 over is within the noise.
    expect(judge(spread([0.14, 0.15, 0.16]), latency, spread([0.07, 0.08, 0.09])).kind).toBe(
      'noise',
    );
    expect(judge(spread([0.3, 0.35]), latency, spread([0, 0.01])).kind).toBe('missed');
    expect(judge(spread([0.05]), latency).kind).toBe('met');
  });
});
