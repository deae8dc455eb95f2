import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

/** Bounded load tests: loopback only, stop by themselves, assert invariants not timings. */
export default defineProject({
  test: {
    name: 'load',
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['load/**/*.test.ts'],
    // Real time, real processes and real sockets on a shared 2-core machine: in CI a failed test is
    // run once more, and vitest reports it as flaky; a test that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // Alone, after every other file: its 200 callers and the emulator share one event loop, and beside
    // the fleet's child processes and a `next build` on 2 cores that loop starves: calls gave up at
    // their deadline while the emulator had yet to log their requests (46 of 200 on a loaded machine,
    // logged later), and the test counts a request missing from the log as a failure.
    fileParallelism: false,
  },
});
