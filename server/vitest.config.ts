import { defineConfig } from 'vitest/config'

// Server tests run on embedded PGlite by default and on a real PostgreSQL when TEST_DATABASE_URL
// is set (CI runs both). Each test file gets its own database.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
