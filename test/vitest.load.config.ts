import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** Bounded load tests: loopback only, stop by themselves, assert invariants not timings. */
export default defineProject({
  test: {
    name: 'load',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['load/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
