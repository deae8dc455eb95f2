import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'middleware',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
