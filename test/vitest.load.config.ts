import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** Bounded load tests: loopback only, stop by themselves, assert invariants not timings. */
export default defineProject({
  test: {
    name: 'load',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['load/**/*.test.ts'],
    // Real time, real processes and real sockets on a shared 2-core machine: in CI a failed test is
    // run once more, and vitest reports it as flaky; a test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
