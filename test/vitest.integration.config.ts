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
    ],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
