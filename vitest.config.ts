import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/support/longest-first.ts';

const jsonReport = process.env.VITEST_JSON_REPORT;

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'test/vitest.*.config.ts'],
    reporters: jsonReport ? ['default', 'json'] : ['default'],
    outputFile: jsonReport ? { json: jsonReport } : undefined,
    // Most files wait on real time, sockets and child processes, not on the CPU: one worker more
    // than the cores (vitest's default is one fewer, a single worker on 2 cores, so every file ran
    // after the other). The long files start first, whatever their project.
    maxWorkers: availableParallelism() + 1,
    sequence: { sequencer: LongestFirstSequencer },
  },
});
