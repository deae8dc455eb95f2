import { describe, expect, it } from 'vitest';
import { sectionRunner } from '../run';
import { parseArgs, SECTIONS } from './args';

describe('bench arguments and sections', () => {
  it('reads sections, seed and budget from flags, flags over env vars', () => {
    const args = parseArgs(['--', '--section', 'overhead', '--seed', '7', '--budget', '30'], {
      BENCH_SEED: '9',
    });
    expect(args).toMatchObject({ sections: ['overhead'], seed: 7, budgetS: 30, quick: false });
  });

  it('rejects an unknown section with the list of known ones', () => {
    expect(() => parseArgs(['--section', 'overhed'], {})).toThrow(
      'unknown section "overhed" (one of overhead, recovery, contention, fleet, shapes, embeddings, lanes, lanes-fleet)',
    );
    expect(() => parseArgs(['--budget', '0'], {})).toThrow('--budget');
  });

  it('has one runner per section and no fall-through for an unknown one', () => {
    const runners = SECTIONS.map(sectionRunner);
    expect(new Set(runners).size).toBe(SECTIONS.length);
    expect(() => sectionRunner('contentio')).toThrow('unknown section "contentio"');
  });
});
