import { defineProject } from 'vitest/config';

/** Browser end-to-end tests (Debian Chromium driven by playwright-core) and the demo run as a child process. */
export default defineProject({
  test: {
    name: 'e2e',
    root: __dirname,
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
