import { describe, expect, it } from 'vitest';
import { createRng } from '../lib/rng';
import { medianInterval } from '../lib/stats';
import { type CpuStats, inMemoryModel, readAnswer, shuffledOrder } from './overhead-cpu';
import { type CpuResult, cpuRows } from './overhead-cpu-table';

describe('shuffledOrder', () => {
  const rng = createRng(20260601);
  const blocks = Array.from({ length: 2400 }, () => shuffledOrder(rng, 4));

  it('gives a permutation of the four models every block', () => {
    for (const order of blocks) expect([...order].sort()).toEqual([0, 1, 2, 3]);
  });

  it('balances positions and successions across block boundaries (each within 15 % of its share)', () => {
    const sequence = blocks.flat();
    const positions = new Map<string, number>();
    for (const order of blocks) {
      order.forEach((m, p) => {
        positions.set(`${m}@${p}`, (positions.get(`${m}@${p}`) ?? 0) + 1);
      });
    }
    const follows = new Map<string, number>();
    for (let i = 1; i < sequence.length; i++) {
      if (sequence[i] === sequence[i - 1]) continue;
      const key = `${sequence[i - 1]}>${sequence[i]}`;
      follows.set(key, (follows.get(key) ?? 0) + 1);
    }
    expect(positions.size).toBe(16);
    for (const n of positions.values()) expect(Math.abs(n - 600)).toBeLessThan(90);
    expect(follows.size).toBe(12);
    const share = [...follows.values()].reduce((a, b) => a + b, 0) / 12;
    for (const n of follows.values()) expect(Math.abs(n - share)).toBeLessThan(share * 0.15);
  });
});

describe('inMemoryModel', () => {
  it('streams exactly `chunks` text deltas, through doStream() and through streamText, every time', async () => {
    const model = inMemoryModel(37);
    expect(await readAnswer(model, 'doStream')).toBe(37);
    expect(await readAnswer(model, 'doStream')).toBe(37);
    expect(await readAnswer(model, 'streamText')).toBe(37);
  });
});

describe('cpuRows', () => {
  const at = (values: number[]) => medianInterval(values);
  const stats = (ours: number[], control: number[]): CpuStats => ({
    blocks: ours.length,
    rawCpuUs: at(ours.map(() => 40)),
    ours: at(ours),
    oursIdle: at(ours),
    control: at(control),
    oursAddedUs: at(ours.map(r => 40 / r - 40)),
    oursIdleAddedUs: at(ours.map(r => 40 / r - 40)),
    controlAddedUs: at(control.map(r => 40 / r - 40)),
  });
  const result = (ours: number[], control: number[]): CpuResult => ({
    streamText: { ...stats(ours, control), chunks: 500 },
    doStream: { ...stats(ours, control), chunks: 500 },
    generate: { ...stats([1, 1, 1], [1, 1, 1]), calls: 20 },
  });
  const tight = [0.999, 1, 1, 1.001, 1, 1];

  it('judges streamText idle off exactly at 0.99× as met, and 0.95× beyond a ±0.1 % control as MISSED', () => {
    expect(cpuRows(result([0.99, 0.99, 0.99], tight))[0]!.at(-1)).toBe('met');
    expect(cpuRows(result([0.95, 0.95, 0.95], tight))[0]!.at(-1)).toBe('MISSED');
  });

  it('reports a shortfall inside a wide control as A/A noise, and no blocks as not measured', () => {
    const wide = [0.9, 1, 1.1, 1, 0.95, 1.05];
    expect(cpuRows(result([0.95, 0.95, 0.95], wide))[0]!.at(-1)).toBe('inside A/A noise');
    expect(cpuRows(result([], []))[0]!.at(-1)).toMatch(/^not measured/);
  });
});
