import { defineProject } from 'vitest/config';

/** Bounded load tests: loopback only, stop by themselves, assert invariants not timings. */
export default defineProject({
  test: {
    name: 'load',
    root: __dirname,
    include: ['load/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
