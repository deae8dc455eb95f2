import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** HTTP integration, faults and fuzz: everything in test/ that needs no browser and is not a load test. */
export default defineProject({
  test: {
    name: 'integration',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: [
      'integration/**/*.test.ts',
      'faults/**/*.test.ts',
      'fuzz/**/*.test.ts',
      'fleet/**/*.test.ts',
      'packaging/**/*.test.ts',
      // The test helpers' own behaviour (a child that exits early is reported as such).
      'support/**/*.test.ts',
      // The bench's pure parts (budget split, judging, statistics, arguments); the bench itself is not a test.
      'bench/**/*.test.ts',
    ],
    // Real time, real processes and real sockets on a shared 2-core machine: in CI a failed test is
    // run once more, and vitest reports it as flaky; a test that fails twice fails the run. The fuzz
    // suites opt out (`retry: 0`): a counterexample must not be retried away with a new seed.
    retry: process.env.CI ? 1 : 0,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
