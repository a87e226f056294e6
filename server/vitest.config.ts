import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

// Server tests run on embedded PGlite by default and on a real PostgreSQL when TEST_DATABASE_URL
// is set (CI runs both). Each test file gets its own database, cloned from one migrated per run.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At least two files at a time (vitest's default leaves one core to itself, i.e. one file at a
    // time on a two-core machine, though the main process is mostly idle and test files wait on
    // the network and timers).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
})
