import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** Browser end-to-end tests: Debian Chromium driven by playwright-core against the Next example. */
export default defineProject({
  test: {
    name: 'e2e',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
