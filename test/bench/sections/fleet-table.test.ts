import { describe, expect, it } from 'vitest';
import type { FleetBenchRow, Mode } from './fleet';
import { fleetTable } from './fleet-table';

const run = (mode: Mode, round: number, ok429: number, steadyGoodput: number): FleetBenchRow => ({
  mode,
  round,
  label: mode,
  durationMs: 12_000,
  requests: 100 + ok429,
  ok429,
  successes: 100,
  failedCalls: 0,
  storeErrors: [0, 0, 0, 0],
  failedKinds: {},
  elapsedMs: 12_000,
  rate429: ok429 / (100 + ok429),
  per429: ok429 / 100,
  goodput: 0.9,
  steadyGoodput,
});

const shape = { processes: 4, callers: 25, rpm: 50, windowMs: 5_000 };

describe('fleet table', () => {
  it('shows medians (min–max) over the rounds and pairs each pacing run with the unguarded run of its round', () => {
    const rows = [0, 1, 2].flatMap(round => [
      run('none', round, [600, 500, 700][round]!, 1.2),
      run('none-aa', round, [620, 480, 690][round]!, 1.2),
      run('memory', round, 250, 1.25),
      run('redis', round, 200, 1.25),
      // Round 1: 50 of 500 is 10 %; rounds 0 and 2: 0 and 7 of 600 and 700 (0 % and 1 %).
      run('redis-pacing', round, [0, 50, 7][round]!, [0.98, 0.96, 0.97][round]!),
    ]);
    const table = fleetTable({ ...shape, orders: [[], [], []] }, rows);
    expect(table.title).toContain('over 3 round(s)');
    const pacing = table.rows.find(r => r[0] === 'redis-pacing')!;
    expect(pacing[1]).toBe('3 × 12 s');
    expect(pacing[3]).toBe('7 (0–50)');
    expect(pacing[9]).toBe('0.97 (0.96–0.98)');
    const [fewer, steady] = table.notes.filter(n => n.startsWith('Goal:'));
    // Per-round ratios 0, 0.1, 0.01: median 0.01, met.
    expect(fewer).toContain('57 vs 1800 over all rounds');
    expect(fewer).toContain(': met (median 0.010 (0.000–0.100), n = 3');
    expect(steady).toContain(': met (median 0.970 (0.960–0.980), n = 3');
  });

  it('says why a configuration was not measured, and judges nothing without it', () => {
    const rows: FleetBenchRow[] = [
      run('none', 0, 600, 1.2),
      run('none-aa', 0, 620, 1.2),
      run('memory', 0, 250, 1.25),
      { ...run('redis', 0, 0, 0), notMeasured: 'redis-server is not installed' },
      { ...run('redis-pacing', 0, 0, 0), notMeasured: 'redis-server is not installed' },
    ];
    const table = fleetTable({ ...shape, orders: [[]] }, rows);
    expect(table.rows.find(r => r[0] === 'redis')?.[1]).toBe(
      'not measured (redis-server is not installed)',
    );
    expect(
      table.notes.filter(n => n.startsWith('Goal:')).every(n => n.includes('not measured')),
    ).toBe(true);
    expect(table.notes).toContain('no shared-store row: nothing to compare with');
  });
});
