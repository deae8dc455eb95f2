import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/**
 * The READMEs keep their promises: every `ts` block compiles as written (strict), and every command
 * in a shell block names a package and script that exist, with arguments they accept.
 */
export default defineProject({
  test: {
    name: 'docs',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['docs/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
