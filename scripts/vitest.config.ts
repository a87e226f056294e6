import { defineConfig } from 'vitest/config'

// The operator scripts' tests (`pnpm test`); the fault scripts have their own config
// (vitest.faults.config.ts). Hooks create and fill a PGlite database (migrations, the demo
// catalogue, completed plans): seconds on an idle machine, more than vitest's default 10 s on a
// busy one, so they get the server suite's hook timeout.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
