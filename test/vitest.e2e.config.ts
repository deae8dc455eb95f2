import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** Browser end-to-end tests: Debian Chromium driven by playwright-core against the Next example. */
export default defineProject({
  test: {
    name: 'e2e',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['e2e/**/*.test.ts'],
    // Real time, real processes and real sockets on a shared 2-core machine: in CI a failed test is
    // run once more, and vitest reports it as flaky; a test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
