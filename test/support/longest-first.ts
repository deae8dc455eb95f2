import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, longest first (per-file durations of a full run on 2 cores): each
 * waits mostly on real time, child processes or a `next build`, so it is started first, beside the
 * rest of the suite, and never ends the run alone. Paths are relative to the repository root. (The
 * load test is not listed: its project runs its files alone, after all the others.)
 */
export const LONGEST_FILES: readonly string[] = [
  'test/fleet/multi-process.test.ts',
  'test/e2e/next-chat.test.ts',
  'test/e2e/next-dev-command.test.ts',
  'packages/middleware/src/fleet/bounded-tables.test.ts',
  'test/integration/demo.test.ts',
  'packages/middleware/src/fleet/rate-limit-headers.integration.test.ts',
  'test/packaging/tarballs.test.ts',
  'test/fuzz/provider-faults.test.ts',
];

/**
 * Orders test files across projects: the listed long files first, then the rest longest first by
 * the durations vitest cached from the last run (a fresh clone has none: the base order then). The
 * base sequencer keeps each project's files together, which on several workers leaves the longest
 * file of the last project to run alone at the end.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (spec: TestSpecification) => {
      const path = relative(root, spec.moduleId);
      const listed = LONGEST_FILES.indexOf(path);
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`);
      return { listed: listed < 0 ? LONGEST_FILES.length : listed, ms: cached?.duration ?? 0 };
    };
    const ranks = new Map(base.map(spec => [spec, rank(spec)]));
    return base
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => {
        const groups =
          a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder;
        if (groups !== 0) return groups;
        const ra = ranks.get(a.spec)!;
        const rb = ranks.get(b.spec)!;
        return ra.listed - rb.listed || rb.ms - ra.ms || a.index - b.index;
      })
      .map(({ spec }) => spec);
  }
}
