import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'emulator',
    include: ['src/**/*.test.ts'],
    testTimeout: 20_000,
    // The files share a worker's module cache instead of importing the SDK and the sources again each
    // (half the project's CPU time). So a test file leaves no global state behind: real timers back,
    // listeners removed, globals unstubbed.
    isolate: false,
  },
});
