import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { LONGEST_FILES, LongestFirstSequencer } from './longest-first';

const ROOT = '/repo';

/** A spec as the sequencer reads it: its project (name, group, isolation) and its file. */
function spec(project: string, path: string, groupOrder = 0): TestSpecification {
  return {
    moduleId: `${ROOT}/${path}`,
    project: { name: project, config: { sequence: { groupOrder }, isolate: true } },
  } as unknown as TestSpecification;
}

/** A vitest whose cache knows these durations (ms) by `project:path`. */
function sequencer(durations: Record<string, number> = {}) {
  const ctx = {
    config: { root: ROOT },
    cache: {
      getFileTestResults: (key: string) =>
        key in durations ? { duration: durations[key], failed: false } : undefined,
      getFileStats: (key: string) => (key in durations ? { size: 1 } : undefined),
    },
  } as unknown as Vitest;
  return new LongestFirstSequencer(ctx);
}

const names = (specs: TestSpecification[]) =>
  specs.map(s => `${s.project.name}:${s.moduleId.slice(ROOT.length + 1)}`);

describe('LongestFirstSequencer', () => {
  it('starts the listed long files first, in the order listed, whatever their project', async () => {
    const [fleet, chat] = LONGEST_FILES;
    const sorted = await sequencer().sort([
      spec('emulator', 'packages/emulator/src/a.test.ts'),
      spec('e2e', chat!),
      spec('integration', 'test/faults/b.test.ts'),
      spec('integration', fleet!),
    ]);
    expect(names(sorted).slice(0, 2)).toEqual([`integration:${fleet}`, `e2e:${chat}`]);
  });

  it('keeps the rest in the base order: project by project, longest first within one', async () => {
    const sorted = await sequencer({
      'middleware:packages/middleware/src/short.test.ts': 10,
      'middleware:packages/middleware/src/long.test.ts': 900,
      'emulator:packages/emulator/src/a.test.ts': 50,
    }).sort([
      spec('middleware', 'packages/middleware/src/short.test.ts'),
      spec('emulator', 'packages/emulator/src/a.test.ts'),
      spec('middleware', 'packages/middleware/src/long.test.ts'),
    ]);
    expect(names(sorted)).toEqual([
      'emulator:packages/emulator/src/a.test.ts',
      'middleware:packages/middleware/src/long.test.ts',
      'middleware:packages/middleware/src/short.test.ts',
    ]);
  });

  it('never moves a file before a group that runs earlier (sequence.groupOrder)', async () => {
    const [fleet] = LONGEST_FILES;
    const sorted = await sequencer().sort([
      spec('integration', fleet!, 1),
      spec('emulator', 'packages/emulator/src/a.test.ts', 0),
    ]);
    expect(names(sorted)).toEqual([
      'emulator:packages/emulator/src/a.test.ts',
      `integration:${fleet}`,
    ]);
  });
});
