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
 * Orders test files across projects: the listed long files first, then the rest in the base order
 * (project by project, so that a worker of a non-isolated project takes its next file in the same
 * module cache; within a project longest first, by the durations vitest cached from the last run).
 * The base order alone leaves the longest file of the last project to run alone at the end.
 */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const root = this.ctx.config.root;
    const listed = (spec: TestSpecification) => {
      const index = LONGEST_FILES.indexOf(relative(root, spec.moduleId));
      return index < 0 ? LONGEST_FILES.length : index;
    };
    return base
      .map((spec, index) => ({ spec, index, listed: listed(spec) }))
      .sort(
        (a, b) =>
          a.spec.project.config.sequence.groupOrder - b.spec.project.config.sequence.groupOrder ||
          a.listed - b.listed ||
          a.index - b.index,
      )
      .map(({ spec }) => spec);
  }
}
