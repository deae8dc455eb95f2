import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'store-redis',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
