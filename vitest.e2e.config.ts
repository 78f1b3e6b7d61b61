import { defineConfig } from 'vitest/config';

// Browser tests: run by `npm run test:e2e` (scripts/run-e2e.mjs sets CHROME_PATH). One file at a time
// in one worker: each file starts its own browser and servers, and two Chromiums on a 2-core CI
// machine make timings flaky.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['test/e2e/**/*.e2e.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
