import { fixed } from './format';
import type { Spread } from './stats';

/** The verdict of one judged row. */
export type Verdict =
  | { kind: 'met'; detail: string }
  | { kind: 'missed'; detail: string }
  /** The shortfall is smaller than the A/A control's own spread: not a measured difference. */
  | { kind: 'noise'; detail: string }
  | { kind: 'not measured'; detail: string };

/** How a figure compares with its target and its A/A control. */
export type Criterion = {
  /** `ratio`: ours ÷ baseline (an A/A control of identical code is ideally 1). `difference`: ours − baseline (ideally 0). */
  scale: 'ratio' | 'difference';
  better: 'higher' | 'lower';
  target: number;
};

/**
 * How far two identical contenders drift apart in this run: the larger of the control's distance
 * from neutral (1 for ratios, 0 for differences) and half its range.
 */
export function controlNoise(control: Spread, scale: Criterion['scale']): number {
  const neutral = scale === 'ratio' ? 1 : 0;
  return Math.max(Math.abs(control.median - neutral), (control.max - control.min) / 2);
}

/**
 * Judges a measured figure (its median) against its target. Without measurements the verdict is
 * "not measured" (with why), never met or missed. With an A/A control from the same rounds, a
 * shortfall no larger than the control's own noise ({@link controlNoise}) is reported as noise, not
 * as a miss: the run cannot tell it from two identical contenders.
 */
export function judge(
  value: Spread,
  criterion: Criterion,
  control?: Spread,
  why = 'no rounds ran',
): Verdict {
  if (value.n === 0 || !Number.isFinite(value.median)) return { kind: 'not measured', detail: why };
  if (control && (control.n === 0 || !Number.isFinite(control.median)))
    return { kind: 'not measured', detail: 'its A/A control got no rounds' };
  const { scale, better, target } = criterion;
  const median = value.median;
  const shown = fixed(median, 3);
  const ok = better === 'higher' ? median >= target : median <= target;
  if (ok) return { kind: 'met', detail: `median ${shown}` };
  const shortfall = better === 'higher' ? target - median : median - target;
  const noise = control ? controlNoise(control, scale) : 0;
  if (control && shortfall <= noise) {
    return {
      kind: 'noise',
      detail: `median ${shown} misses ${target} by ${fixed(shortfall, 3)}, within the A/A control's noise (±${fixed(noise, 3)})`,
    };
  }
  return {
    kind: 'missed',
    detail: `median ${shown} vs target ${target}${control ? ` (A/A noise ±${fixed(noise, 3)})` : ''}`,
  };
}

/** The verdict column: `met`, `MISSED`, `inside A/A noise` or `not measured (why)`. */
export function verdictCell(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'met':
      return 'met';
    case 'missed':
      return 'MISSED';
    case 'noise':
      return 'inside A/A noise';
    case 'not measured':
      return `not measured (${verdict.detail})`;
  }
}
