import { describe, expect, it } from 'vitest';
import { tracingOrder } from './overhead-tracing';

describe('tracingOrder', () => {
  const rows = [0, 1, 2, 3].map(tracingOrder);

  it('is a Latin square: each model once per iteration, each position taken by each model once per cycle', () => {
    for (const row of rows) expect([...row].sort()).toEqual([0, 1, 2, 3]);
    for (let position = 0; position < 4; position++) {
      expect(rows.map(row => row[position]).sort()).toEqual([0, 1, 2, 3]);
    }
    expect(tracingOrder(5)).toEqual(tracingOrder(1));
  });

  it('is balanced: every model follows every other model exactly once per cycle', () => {
    const pairs = rows.flatMap(row => row.slice(1).map((model, k) => `${row[k]}>${model}`));
    expect(new Set(pairs).size).toBe(12);
  });
});
