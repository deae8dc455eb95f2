import { readFileSync } from 'node:fs';
import { defineProject } from 'vitest/config';

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as {
  version: string;
};

export default defineProject({
  define: {
    __PACKAGE_VERSION__: JSON.stringify(version),
  },
  test: {
    name: 'provider',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
