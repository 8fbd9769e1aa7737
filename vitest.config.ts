import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'conformance/**/*.test.ts'],
    // bin/l2bgw.js and bin/l2bgwd.js run dist/: built once, before any file
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // conformance suites start real daemons on loopback; keep them from fighting over 2 cores
    fileParallelism: true,
    maxWorkers: 2,
  },
});
